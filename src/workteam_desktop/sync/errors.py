"""The one error type of bundles and keys: a refusal with one clear Chinese line."""

from __future__ import annotations


class BundleError(Exception):
    """A bundle or key problem to show the user as it is (one line, Chinese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BundleCancelled(BundleError):
    """The person cancelled an export or import: nothing was written (no bundle file, no
    change to the store)."""


class SyncError(Exception):
    """A network sync failure to show as it is: one Chinese line in ``message``.

    Every failure of the sync client (network, server, credentials, cancel) is one of the
    subclasses below, so the CLI and the GUI need one ``except`` and never a traceback.
    """

    default = "同步失败"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default
        super().__init__(self.message)


class ServerUnreachable(SyncError):
    """No connection to the server (down, wrong address, no network, timed out)."""

    default = "无法连接同步服务器，请检查网络和服务器地址后重试"


class BadCredentials(SyncError):
    """Wrong user name or password, or a disabled account."""

    default = "用户名或密码不正确"


class TokenRevoked(SyncError):
    """The stored login is no longer valid (revoked, expired, or missing): log in again."""

    default = "登录已失效，请重新登录（workteam login）"


class NotLoggedIn(SyncError):
    """No server account is set up in this data home."""

    default = "尚未登录同步服务器，请先运行 workteam login --server 地址 --user 用户名"


class PasswordNeeded(SyncError):
    """No keyring keeps the login, so the password must be given for this sync."""

    default = ("系统没有可用的密钥环（keyring），无法保存登录凭据：每次同步都需要输入密码"
               "（Linux 桌面安装 gnome-keyring 并重新登录桌面后即可保存）")


class ServerError(SyncError):
    """The server answered with an error or with something that is not the protocol."""

    default = "同步服务器出错，请稍后重试或联系管理员"


class SyncCancelled(SyncError):
    """The person cancelled; what was done before (whole batches and pages) is kept."""

    default = "同步已取消，已完成的部分已保存"


class PlainHttpRefused(SyncError):
    """An unencrypted ``http://`` address of another machine, not allowed by the settings."""


class CertificateRefused(SyncError):
    """The https server's certificate does not verify (unknown authority, another name,
    expired), or no encrypted connection could be made."""


class DemoHome(SyncError):
    """A demo home (made-up households) may not be sent to a real server."""

    default = ("这是演示数据（workteam demo 生成的虚构农户），不能登录或同步到服务器："
               "请在新的数据目录中开始（不加 --home 运行，或换一个目录）")
