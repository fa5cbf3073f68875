; Inno Setup 6 script: per-user install of the PyInstaller bundle, no administrator rights.
; UNTESTED on this project's Linux build machine; CI builds it on windows-latest
; (.github/workflows/installers.yml). Build with packaging\windows\build.ps1, which passes:
;   iscc /DAppVersion=<ctidesk.__version__> /DAppId=<ctidesk.APP_ID> /DSourceDir=<bundle> /DOutputDir=<dist>
;
; What it does:
; - installs dist\ctidesk\ into %LOCALAPPDATA%\Programs\ctidesk (per user),
; - Start-menu entry (and an optional desktop icon),
; - optional task "Start ctidesk when I sign in" (HKCU Run key; the app's setting uses the same value),
; - tel: and callto: as URL protocols under HKCU\Software\Classes, plus Capabilities and
;   RegisteredApplications so ctidesk is listed in Settings > Apps > Default apps,
; - the uninstaller removes the program and these keys, and keeps the call journal, settings and
;   logs (%LOCALAPPDATA%\ctidesk) unless the user answers Yes to deleting them.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef AppId
  #define AppId "org.ctidesk.CTIDesk"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\build\windows\dist\ctidesk"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#define ProgId "ctidesk.url"
#define CapabilitiesKey "Software\ctidesk\Capabilities"

[Setup]
; The GUID identifies the product for upgrades: never change it.
AppId={{401BC5EC-F1D3-49D9-933E-98CC73FF013C}
AppName=ctidesk
AppVersion={#AppVersion}
AppVerName=ctidesk {#AppVersion}
AppPublisher=ctidesk developers
DefaultDirName={autopf}\ctidesk
DefaultGroupName=ctidesk
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
; x64compatible needs Inno Setup 6.3 or newer.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=ctidesk-{#AppVersion}-setup
SetupIconFile=..\..\build\icons\ctidesk.ico
UninstallDisplayIcon={app}\ctidesk.exe
UninstallDisplayName=ctidesk
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
RestartApplications=no
ChangesAssociations=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
en.AutostartTask=Start ctidesk when I sign in
en.UrlTask=Open tel: and callto: links with ctidesk
en.DeleteData=Also delete your ctidesk call journal, settings and logs in%n%1?%n%nChoose No to keep them for a later installation.

[Tasks]
Name: "autostart"; Description: "{cm:AutostartTask}"; Flags: unchecked
Name: "urlhandler"; Description: "{cm:UrlTask}"
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\ctidesk"; Filename: "{app}\ctidesk.exe"; AppUserModelID: "{#AppId}"
Name: "{autodesktop}\ctidesk"; Filename: "{app}\ctidesk.exe"; Tasks: desktopicon

[Registry]
; Start at login: the same value the app's "Start at login" setting writes and removes.
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "ctidesk"; ValueData: """{app}\ctidesk.exe"""; Tasks: autostart; Flags: uninsdeletevalue

; The ProgID that Default Apps offers for tel: and callto:.
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "ctidesk phone link"; Tasks: urlhandler; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Tasks: urlhandler
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\ctidesk.exe"",0"; Tasks: urlhandler
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\ctidesk.exe"" ""%1"""; Tasks: urlhandler

; Capabilities + RegisteredApplications: ctidesk appears in Settings > Apps > Default apps.
Root: HKCU; Subkey: "Software\ctidesk"; Flags: uninsdeletekeyifempty; Tasks: urlhandler
Root: HKCU; Subkey: "{#CapabilitiesKey}"; ValueType: string; ValueName: "ApplicationName"; ValueData: "ctidesk"; Tasks: urlhandler; Flags: uninsdeletekey
Root: HKCU; Subkey: "{#CapabilitiesKey}"; ValueType: string; ValueName: "ApplicationDescription"; ValueData: "Dial tel: and callto: links"; Tasks: urlhandler
Root: HKCU; Subkey: "{#CapabilitiesKey}\URLAssociations"; ValueType: string; ValueName: "tel"; ValueData: "{#ProgId}"; Tasks: urlhandler
Root: HKCU; Subkey: "{#CapabilitiesKey}\URLAssociations"; ValueType: string; ValueName: "callto"; ValueData: "{#ProgId}"; Tasks: urlhandler
Root: HKCU; Subkey: "Software\RegisteredApplications"; ValueType: string; ValueName: "ctidesk"; ValueData: "{#CapabilitiesKey}"; Tasks: urlhandler; Flags: uninsdeletevalue

; The plain per-user URL protocols, used before the user picks a default. Existing values from
; another program are not overwritten (createvalueifdoesntexist).
Root: HKCU; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: ""; ValueData: "URL:tel Protocol"; Tasks: urlhandler; Flags: createvalueifdoesntexist
Root: HKCU; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Tasks: urlhandler; Flags: createvalueifdoesntexist
Root: HKCU; Subkey: "Software\Classes\tel\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\ctidesk.exe"" ""%1"""; Tasks: urlhandler; Flags: createvalueifdoesntexist
Root: HKCU; Subkey: "Software\Classes\callto"; ValueType: string; ValueName: ""; ValueData: "URL:callto Protocol"; Tasks: urlhandler; Flags: createvalueifdoesntexist
Root: HKCU; Subkey: "Software\Classes\callto"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Tasks: urlhandler; Flags: createvalueifdoesntexist
Root: HKCU; Subkey: "Software\Classes\callto\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\ctidesk.exe"" ""%1"""; Tasks: urlhandler; Flags: createvalueifdoesntexist

[Run]
Filename: "{app}\ctidesk.exe"; Description: "{cm:LaunchProgram,ctidesk}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Stop a running ctidesk so its files can be removed.
Filename: "{sys}\taskkill.exe"; Parameters: "/IM ctidesk.exe /F"; Flags: runhidden; RunOnceId: "StopCtidesk"

[Code]
// The uninstaller keeps the user's data unless they say otherwise; silent uninstalls keep it.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Command, DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  // Remove our command from the per-user tel:/callto: classes, only if it is still ours.
  if RegQueryStringValue(HKCU, 'Software\Classes\tel\shell\open\command', '', Command) and
     (Pos(Lowercase(ExpandConstant('{app}')), Lowercase(Command)) > 0) then
    RegDeleteKeyIncludingSubkeys(HKCU, 'Software\Classes\tel');
  if RegQueryStringValue(HKCU, 'Software\Classes\callto\shell\open\command', '', Command) and
     (Pos(Lowercase(ExpandConstant('{app}')), Lowercase(Command)) > 0) then
    RegDeleteKeyIncludingSubkeys(HKCU, 'Software\Classes\callto');
  DataDir := ExpandConstant('{localappdata}\ctidesk');
  if UninstallSilent or not DirExists(DataDir) then
    Exit;
  if MsgBox(FmtMessage(CustomMessage('DeleteData'), [DataDir]), mbConfirmation,
            MB_YESNO or MB_DEFBUTTON2) = IDYES then
    DelTree(DataDir, True, True, True);
end;
