; Inno Setup 6 script: installs the PyInstaller bundle, in English or German. Per user without
; administrator rights by default; "for all users" (administrator) also adds a Windows Firewall
; rule so the desk phone's Action URLs reach ctidesk.
; UNTESTED on this project's Linux build machine; CI builds it on windows-latest
; (.github/workflows/installers.yml). Build with packaging\windows\build.ps1, which passes:
;   iscc /DAppVersion=<ctidesk.__version__> /DAppId=<ctidesk.APP_ID> /DSourceDir=<bundle> /DOutputDir=<dist>
;
; What it does:
; - installs dist\ctidesk\ into %LOCALAPPDATA%\Programs\ctidesk (per user) or Program Files
;   (for all users: the setup asks, or /ALLUSERS),
; - for all users: an inbound Windows Firewall rule for ctidesk.exe (domain and private networks;
;   a per-user install cannot add one, Windows asks an administrator at the first phone event),
; - Start-menu entry (and an optional desktop icon),
; - optional task "Start ctidesk when I sign in" (the Run key; the app's setting uses the same value),
; - tel: and callto: as URL protocols under Software\Classes, plus Capabilities and
;   RegisteredApplications so ctidesk is listed in Settings > Apps > Default apps (HKA: the user's
;   keys, or the machine's for all users),
; - the uninstaller asks a running ctidesk to quit (ctidesk-cli quit), removes the program, these
;   keys and the firewall rule, and keeps the call journal, settings and logs
;   (%LOCALAPPDATA%\ctidesk) unless the user answers Yes to deleting them.

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
; "Install for me only" (no administrator) or "for all users" (adds the firewall rule).
PrivilegesRequiredOverridesAllowed=dialog commandline
ShowLanguageDialog=auto
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
Name: "de"; MessagesFile: "compiler:Languages\German.isl"

[CustomMessages]
en.AutostartTask=Start ctidesk when I sign in
en.UrlTask=Open tel: and callto: links with ctidesk
en.DeleteData=Also delete your ctidesk call journal, settings and logs in%n%1?%n%nChoose No to keep them for a later installation.
en.FirewallRule=Letting the desk phone's Action URLs through the Windows Firewall...
en.QuitRunning=Asking the running ctidesk to quit...
de.AutostartTask=ctidesk bei der Anmeldung starten
de.UrlTask=tel:- und callto:-Links mit ctidesk öffnen
de.DeleteData=Auch Ihr ctidesk-Anrufjournal, die Einstellungen und Protokolle in%n%1 löschen?%n%nWählen Sie Nein, um sie für eine spätere Installation zu behalten.
de.FirewallRule=Action URLs des Tischtelefons durch die Windows-Firewall lassen...
de.QuitRunning=Das laufende ctidesk wird gebeten, sich zu beenden...

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
; Start at login: the same value the app's "Start at login" setting writes and removes (HKA: the
; user's key, or the machine's for all users).
Root: HKA; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "ctidesk"; ValueData: """{app}\ctidesk.exe"""; Tasks: autostart; Flags: uninsdeletevalue

; The ProgID that Default Apps offers for tel: and callto:.
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "ctidesk phone link"; Tasks: urlhandler; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Tasks: urlhandler
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\ctidesk.exe"",0"; Tasks: urlhandler
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\ctidesk.exe"" ""%1"""; Tasks: urlhandler

; Capabilities + RegisteredApplications: ctidesk appears in Settings > Apps > Default apps.
Root: HKA; Subkey: "Software\ctidesk"; Flags: uninsdeletekeyifempty; Tasks: urlhandler
Root: HKA; Subkey: "{#CapabilitiesKey}"; ValueType: string; ValueName: "ApplicationName"; ValueData: "ctidesk"; Tasks: urlhandler; Flags: uninsdeletekey
Root: HKA; Subkey: "{#CapabilitiesKey}"; ValueType: string; ValueName: "ApplicationDescription"; ValueData: "Dial tel: and callto: links"; Tasks: urlhandler
Root: HKA; Subkey: "{#CapabilitiesKey}\URLAssociations"; ValueType: string; ValueName: "tel"; ValueData: "{#ProgId}"; Tasks: urlhandler
Root: HKA; Subkey: "{#CapabilitiesKey}\URLAssociations"; ValueType: string; ValueName: "callto"; ValueData: "{#ProgId}"; Tasks: urlhandler
Root: HKA; Subkey: "Software\RegisteredApplications"; ValueType: string; ValueName: "ctidesk"; ValueData: "{#CapabilitiesKey}"; Tasks: urlhandler; Flags: uninsdeletevalue

; The plain per-user URL protocols, used before the user picks a default. Existing values from
; another program are not overwritten (createvalueifdoesntexist).
Root: HKA; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: ""; ValueData: "URL:tel Protocol"; Tasks: urlhandler; Flags: createvalueifdoesntexist
Root: HKA; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Tasks: urlhandler; Flags: createvalueifdoesntexist
Root: HKA; Subkey: "Software\Classes\tel\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\ctidesk.exe"" ""%1"""; Tasks: urlhandler; Flags: createvalueifdoesntexist
Root: HKA; Subkey: "Software\Classes\callto"; ValueType: string; ValueName: ""; ValueData: "URL:callto Protocol"; Tasks: urlhandler; Flags: createvalueifdoesntexist
Root: HKA; Subkey: "Software\Classes\callto"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Tasks: urlhandler; Flags: createvalueifdoesntexist
Root: HKA; Subkey: "Software\Classes\callto\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\ctidesk.exe"" ""%1"""; Tasks: urlhandler; Flags: createvalueifdoesntexist

[Run]
; All users: the phone's Action URLs (one TCP port, [phone] listen_port) may reach ctidesk.exe on
; domain and private networks; the listener binds only to the address towards the phone.
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall add rule name=""ctidesk Action URLs"" dir=in action=allow protocol=TCP profile=domain,private program=""{app}\ctidesk.exe"" enable=yes"; StatusMsg: "{cm:FirewallRule}"; Flags: runhidden; Check: IsAdminInstallMode
Filename: "{app}\ctidesk.exe"; Description: "{cm:LaunchProgram,ctidesk}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Ask a running ctidesk to quit (it closes its outbox and journal cleanly) so its files can be
; removed; only one that has not quit after 15 s (hanging) is ended by force.
Filename: "{app}\ctidesk-cli.exe"; Parameters: "quit --wait 15"; StatusMsg: "{cm:QuitRunning}"; Flags: runhidden waituntilterminated; RunOnceId: "QuitCtidesk"
Filename: "{sys}\taskkill.exe"; Parameters: "/IM ctidesk.exe /F"; Flags: runhidden; RunOnceId: "StopHangingCtidesk"
Filename: "{sys}\netsh.exe"; Parameters: "advfirewall firewall delete rule name=""ctidesk Action URLs"" program=""{app}\ctidesk.exe"""; Flags: runhidden; RunOnceId: "FirewallRule"; Check: IsAdminInstallMode

[Code]
// The uninstaller keeps the user's data unless they say otherwise; silent uninstalls keep it.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Command, DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  // Remove our command from the tel:/callto: classes (the user's or, for all users, the
  // machine's: HKA), only if it is still ours.
  if RegQueryStringValue(HKA, 'Software\Classes\tel\shell\open\command', '', Command) and
     (Pos(Lowercase(ExpandConstant('{app}')), Lowercase(Command)) > 0) then
    RegDeleteKeyIncludingSubkeys(HKA, 'Software\Classes\tel');
  if RegQueryStringValue(HKA, 'Software\Classes\callto\shell\open\command', '', Command) and
     (Pos(Lowercase(ExpandConstant('{app}')), Lowercase(Command)) > 0) then
    RegDeleteKeyIncludingSubkeys(HKA, 'Software\Classes\callto');
  DataDir := ExpandConstant('{localappdata}\ctidesk');
  if UninstallSilent or not DirExists(DataDir) then
    Exit;
  if MsgBox(FmtMessage(CustomMessage('DeleteData'), [DataDir]), mbConfirmation,
            MB_YESNO or MB_DEFBUTTON2) = IDYES then
    DelTree(DataDir, True, True, True);
end;
