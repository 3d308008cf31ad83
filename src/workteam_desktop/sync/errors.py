"""The error types of bundles, keys and network sync: a refusal with one clear line.

The message is Chinese; a class's standard message also has an English one
(``english``), so a window in English shows English (:func:`message_in`). Messages
made at the point of failure (a server's reason, a file name) stay as they are.
"""

from __future__ import annotations


class BundleError(Exception):
    """A bundle or key problem to show the user as it is (one line, Chinese)."""

    default = ""
    english = ""

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default
        super().__init__(self.message)


class KeyringMissing(BundleError):
    """No keyring service keeps secrets safely, so a device's private key cannot be kept."""

    default = ("系统没有可用的密钥环（keyring）服务，无法安全保存设备私钥；"
               "Linux 桌面请安装 gnome-keyring（sudo apt install gnome-keyring）"
               "并重新登录桌面后重试，Windows 自带，无需安装")
    english = ("No keyring service is available to keep the device's private key safely. "
               "On a Linux desktop install gnome-keyring (sudo apt install gnome-keyring) "
               "and log in to the desktop again; Windows has one built in")


class BundleCancelled(BundleError):
    """The person cancelled an export or import: nothing was written (no bundle file, no
    change to the store)."""


class SyncError(Exception):
    """A network sync failure to show as it is: one Chinese line in ``message``.

    Every failure of the sync client (network, server, credentials, cancel) is one of the
    subclasses below, so the CLI and the GUI need one ``except`` and never a traceback.
    """

    default = "同步失败"
    english = "Sync failed"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default
        super().__init__(self.message)


class ServerUnreachable(SyncError):
    """No connection to the server (down, wrong address, no network, timed out)."""

    default = "无法连接同步服务器，请检查网络和服务器地址后重试"
    english = "Cannot reach the sync server: check the network and the server address, then try again"


class BadCredentials(SyncError):
    """Wrong user name or password, or a disabled account."""

    default = "用户名或密码不正确"
    english = "Wrong user name or password"


class TokenRevoked(SyncError):
    """The stored login is no longer valid (revoked, expired, or missing): log in again."""

    default = "登录已失效，请重新登录（workteam login）"
    english = "The login is no longer valid: log in again (workteam login)"


class NotLoggedIn(SyncError):
    """No server account is set up in this data home."""

    default = "尚未登录同步服务器，请先运行 workteam login --server 地址 --user 用户名"
    english = "Not logged in to a sync server: run workteam login --server ADDRESS --user NAME first"


class PasswordNeeded(SyncError):
    """No keyring keeps the login, so the password must be given for this sync."""

    default = ("系统没有可用的密钥环（keyring），无法保存登录凭据：每次同步都需要输入密码"
               "（Linux 桌面安装 gnome-keyring 并重新登录桌面后即可保存）")
    english = ("No keyring service is available to keep the login: the password is needed at "
               "every sync (on a Linux desktop, install gnome-keyring and log in to the "
               "desktop again to keep it)")


class ServerError(SyncError):
    """The server answered with an error or with something that is not the protocol."""

    default = "同步服务器出错，请稍后重试或联系管理员"
    english = "The sync server failed: try again later or ask the administrator"


class PushTooLarge(ServerError):
    """The server refused a push request as too large (413: its body limit or its batch
    limit, both settings of the server): the laptop sends smaller batches."""


class SyncCancelled(SyncError):
    """The person cancelled; what was done before (whole batches and pages) is kept."""

    default = "同步已取消，已完成的部分已保存"
    english = "Sync cancelled; what was done is kept"


class PlainHttpRefused(SyncError):
    """An unencrypted ``http://`` address of another machine, not allowed by the settings."""


class CertificateRefused(SyncError):
    """The https server's certificate does not verify (unknown authority, another name,
    expired), or no encrypted connection could be made."""


class DeviceTaken(SyncError):
    """The server knows this laptop's device id from a login on another laptop (the data
    home was copied): this one may not log in or send with it (``workteam new-device``)."""

    default = ("这台电脑的设备编号正由另一台电脑上的登录使用：这个数据目录是从那台电脑复制来的。"
               "请在本机运行 workteam new-device 换用新的设备编号后再登录")


class DemoHome(SyncError):
    """A demo home (made-up households) may not be sent to a real server."""

    default = ("这是演示数据（workteam demo 生成的虚构农户），不能登录或同步到服务器："
               "请在新的数据目录中开始（不加 --home 运行，或换一个目录）")
    english = ("This is demo data (made-up households from workteam demo); it cannot log in "
               "or sync to a server: start in a new data folder (run without --home, or "
               "choose another folder)")


def message_in(exc: BaseException, lang: str) -> str:
    """The one line to show for ``exc`` in the window's language (``zh`` or ``en``)."""
    message = getattr(exc, "message", None) or str(exc)
    if lang == "en" and isinstance(exc, BundleError | SyncError):
        english = type(exc).english
        if english and message == type(exc).default:
            return english
    return message
