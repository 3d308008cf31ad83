# Shortcuts; the README's two quick-start commands are `bash scripts/demo` and `bash scripts/test`.
.PHONY: demo test bench setup clean package package-test icons

demo:
	bash scripts/demo

test:
	bash scripts/test

## bench: the benchmarks (not part of the test suite; results go in BENCHMARKS.md)
bench: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/bench -p no:cacheprovider -s -o addopts=""

setup:
	bash scripts/setup

## package: the one-folder program in dist/workteam/ (PyInstaller; see "Building the installers")
package: setup
	[ -x .venv/bin/pyinstaller ] || .venv/bin/python -m pip install -q -e ".[package]"
	start=$$(date +%s) && .venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/workteam.spec && \
		echo "dist/workteam: $$(du -sh dist/workteam | cut -f1), built in $$(( $$(date +%s) - start )) s"

## package-test: build, then start the built program offscreen (demo, list, screenshot).
## Not part of .ci/run: it takes a minute or two.
package-test: package
	.venv/bin/python packaging/check_bundle.py dist/workteam --keep-png dist/workteam-households.png

## icons: redraw the PNG sizes and the .ico from resources/icons/workteam.svg
icons: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py

clean:
	rm -rf .venv build dist .pytest_cache .ruff_cache
