; License Companion for Windows: the tray program (what the shortcut starts), the window
; program it starts on demand, bwlicense.exe and WebView2Loader.dll, installed
; per machine under Program Files, with a Start menu shortcut and an uninstaller.
; Built by scripts/windows/installer.sh with Debian's makensis (Tauri's bundler would fetch
; its NSIS plugin from GitHub at bundle time).
; A 64-bit installer for a 64-bit app (and wine64 runs no 32-bit stub).
Target amd64-unicode
!ifndef SOURCE | OUTFILE | VERSION
  !error "give -DSOURCE=<folder of the built exes> -DOUTFILE=<installer.exe> -DVERSION=<x.y.z>"
!endif
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\LicenseCompanion"

Name "License Companion"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\License Companion"
RequestExecutionLevel admin
; zlib: the checks build it from debug exes, where lzma takes over a minute.
SetCompressor zlib

Section "Install"
  SetShellVarContext all
  SetRegView 64
  SetOutPath "$INSTDIR"
  File "${SOURCE}\license-companion.exe"
  File "${SOURCE}\license-companion-window.exe"
  File "${SOURCE}\bwlicense.exe"
  File "${SOURCE}\WebView2Loader.dll"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\License Companion.lnk" "$INSTDIR\license-companion.exe"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "License Companion"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  SetRegView 64
  Delete "$INSTDIR\license-companion.exe"
  Delete "$INSTDIR\license-companion-window.exe"
  Delete "$INSTDIR\bwlicense.exe"
  Delete "$INSTDIR\WebView2Loader.dll"
  Delete "$INSTDIR\uninstall.exe"
  Delete "$SMPROGRAMS\License Companion.lnk"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
