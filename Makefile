# Shortcuts; the README's two quick-start commands are `bash scripts/demo` and `bash scripts/test`.
.PHONY: demo test bench setup clean

demo:
	bash scripts/demo

test:
	bash scripts/test

## bench: the benchmarks (not part of the test suite; results go in BENCHMARKS.md)
bench: setup
	QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/bench -p no:cacheprovider -s -o addopts=""

setup:
	bash scripts/setup

clean:
	rm -rf .venv build dist .pytest_cache .ruff_cache
