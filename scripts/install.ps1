# Installs wegent-executor.exe into ~\.wegent-executor\bin (or $env:WEGENT_EXECUTOR_HOME\bin) and prints how to put it
# on PATH. Builds it first with scripts/build-local (Git Bash) when dist\ has none.
#   scripts\install.ps1 [-Source path\to\wegent-executor.exe]
param([string]$Source = "")
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

$exe = if ($IsLinux -or $IsMacOS) { "wegent-executor" } else { "wegent-executor.exe" }
if (-not $Source) {
    $Source = Join-Path "dist" $exe
    if (-not (Test-Path $Source)) { bash scripts/build-local; if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE } }
}
if (-not (Test-Path $Source)) { Write-Error "$Source does not exist"; exit 2 }

$home_ = if ($env:WEGENT_EXECUTOR_HOME) { $env:WEGENT_EXECUTOR_HOME } else { Join-Path $HOME ".wegent-executor" }
$bin = Join-Path $home_ "bin"
New-Item -ItemType Directory -Force -Path $bin | Out-Null
$target = Join-Path $bin $exe
# Copy then rename, so nobody sees a half-written binary.
Copy-Item $Source "$target.new" -Force
Move-Item "$target.new" $target -Force

Write-Output "Installed $target ($(& $target --version))"
$separator = [IO.Path]::PathSeparator
if (($env:PATH -split [regex]::Escape($separator)) -contains $bin) {
    Write-Output "$bin is already on PATH."
} else {
    Write-Output "Add it to PATH for your user:"
    Write-Output "  [Environment]::SetEnvironmentVariable('PATH', `"$bin$separator`" + [Environment]::GetEnvironmentVariable('PATH', 'User'), 'User')"
}
Write-Output "Then: put WEGENT_BACKEND_URL and WEGENT_AUTH_TOKEN in $(Join-Path $home_ 'config.env') and check with 'wegent-executor doctor'."
