# Builds the Windows bundle (PyInstaller, one folder) and the per-user installer (Inno Setup 6).
# UNTESTED here (the project builds on Linux); CI runs it on windows-latest.
#
#   pwsh packaging\windows\build.ps1        ->  dist\ctidesk-<version>-setup.exe
#
# Needs Python 3.11+ on PATH (or $env:PYTHON) and Inno Setup 6.3+ (iscc.exe; preinstalled on
# GitHub's Windows runners, otherwise `choco install innosetup`).
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
Set-Location $Root
$Python = if ($env:PYTHON) { $env:PYTHON } else { "python" }
$BuildDir = Join-Path $Root "build\windows"
$OutDir = Join-Path $Root "dist"
$env:PYINSTALLER_CONFIG_DIR = Join-Path $BuildDir "pyinstaller-config"

function Invoke-Checked {
    param([string]$Program, [string[]]$Arguments)
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Program $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

Write-Host "== packaging tools (the 'package' extra)"
Invoke-Checked $Python @("-m", "pip", "install", "-q", "-e", ".[package]")
$Version = (& $Python -c "import ctidesk; print(ctidesk.__version__)").Trim()
$AppId = (& $Python -c "import ctidesk; print(ctidesk.APP_ID)").Trim()

Write-Host "== icons"
$env:QT_QPA_PLATFORM = "offscreen"
Invoke-Checked $Python @("packaging\render_icons.py", "--installer-icons", "src\ctidesk\resources\icons\ctidesk.svg", "build\icons")
Remove-Item Env:\QT_QPA_PLATFORM

Write-Host "== PyInstaller bundle ctidesk $Version"
Invoke-Checked $Python @("-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
    "--distpath", "$BuildDir\dist", "--workpath", "$BuildDir\work", "pyinstaller.spec")
$Bundle = Join-Path $BuildDir "dist\ctidesk"
Invoke-Checked "$Bundle\ctidesk-cli.exe" @("--version")
Invoke-Checked "$Bundle\ctidesk-cli.exe" @("--self-check")

Write-Host "== Inno Setup"
$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) {
    $Iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
              "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $Iscc) { throw "Inno Setup 6 (ISCC.exe) is not installed; install it (e.g. choco install innosetup) and run again" }
New-Item -ItemType Directory -Force -Path $OutDir | Out-Null
Invoke-Checked $Iscc @("/Q", "/DAppVersion=$Version", "/DAppId=$AppId", "/DSourceDir=$Bundle",
    "/DOutputDir=$OutDir", "packaging\windows\ctidesk.iss")
$Setup = Join-Path $OutDir "ctidesk-$Version-setup.exe"
Write-Host ("bundle  {0:N0} MB  {1}" -f ((Get-ChildItem $Bundle -Recurse | Measure-Object Length -Sum).Sum / 1MB), $Bundle)
Write-Host ("setup   {0:N0} MB  {1}" -f ((Get-Item $Setup).Length / 1MB), $Setup)
