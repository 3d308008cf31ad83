; Inno Setup 6.3+ script: a per-user Windows installer of the one-folder program.
;
; Build dist\workteam first (see README, "Building the installers"), then, from the repository:
;   iscc /DAppVersion=0.1.0 packaging\windows\workteam.iss      ->  dist\workteam-setup-0.1.0.exe
;
; It installs into %LOCALAPPDATA%\Programs\workteam, so no administrator rights are needed,
; with a Start menu and a desktop shortcut to workteam-gui.exe (the program without a console
; window). The data home, %LOCALAPPDATA%\workteam, is another folder: uninstalling or
; installing a newer version never touches it.
;
; Language: Inno Setup ships no official Simplified Chinese translation of its wizard. Put the
; community one (ChineseSimplified.isl, from Inno Setup's unofficial translations) next to this
; script to get a Chinese wizard; without it the wizard's own buttons are English, and the
; names, shortcuts and messages below are Chinese all the same.

#ifndef AppVersion
  #error Give the version: iscc /DAppVersion=x.y.z packaging\windows\workteam.iss
#endif

#define Root AddBackslash(SourcePath) + "..\.."

[Setup]
; Never change AppId: Windows knows the installed program (upgrades, uninstall) by it.
AppId={{DC81A3F2-CB85-48CF-B8FD-745E22B2AD20}
AppName={cm:AppDisplayName}
AppVersion={#AppVersion}
AppVerName={cm:AppDisplayName} {#AppVersion}
AppPublisher=workteam
DefaultDirName={localappdata}\Programs\workteam
DisableDirPage=auto
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
UsedUserAreasWarning=no
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#Root}\dist
OutputBaseFilename=workteam-setup-{#AppVersion}
SetupIconFile={#Root}\resources\icons\workteam.ico
UninstallDisplayIcon={app}\workteam-gui.exe
UninstallDisplayName={cm:AppDisplayName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
#if FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
Name: "zh"; MessagesFile: "ChineseSimplified.isl"
#else
Name: "en"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
AppDisplayName=驻村工作队工作平台
CreateDesktopIcon=在桌面创建快捷方式
AdditionalIcons=快捷方式：
LaunchProgram=立即打开 %1
DataKept=程序已卸载。您的数据仍保存在 %1，需要时可以再次安装程序继续使用。

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; A newer version replaces the whole program folder: no library of the old one stays behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#Root}\dist\workteam\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{cm:AppDisplayName}"; Filename: "{app}\workteam-gui.exe"; WorkingDir: "{app}"
Name: "{autodesktop}\{cm:AppDisplayName}"; Filename: "{app}\workteam-gui.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\workteam-gui.exe"; Description: "{cm:LaunchProgram,{cm:AppDisplayName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Python may leave compiled copies of the migration scripts next to them.
Type: filesandordirs; Name: "{app}\_internal\workteam_desktop\store\migrations"

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox(FmtMessage(CustomMessage('DataKept'), [ExpandConstant('{localappdata}\workteam')]),
      mbInformation, MB_OK);
end;
