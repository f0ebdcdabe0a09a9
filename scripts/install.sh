#!/usr/bin/env sh
# Installs the wegent-executor binary into ~/.wegent-executor/bin (or $WEGENT_EXECUTOR_HOME/bin) and prints the line
# that puts it on PATH. Builds it first with scripts/build-local when dist/ has none.
#   scripts/install.sh [path/to/wegent-executor]
set -eu
cd "$(dirname "$0")/.."

source_binary="${1:-dist/wegent-executor}"
if [ ! -f "$source_binary" ]; then
  if [ $# -gt 0 ]; then
    echo "$source_binary does not exist" >&2
    exit 2
  fi
  scripts/build-local
fi

home="${WEGENT_EXECUTOR_HOME:-$HOME/.wegent-executor}"
bin="$home/bin"
mkdir -p "$bin"
# Copy then rename: a running executor keeps its old file, and nobody sees a half-written binary.
cp "$source_binary" "$bin/wegent-executor.new"
chmod 755 "$bin/wegent-executor.new"
mv -f "$bin/wegent-executor.new" "$bin/wegent-executor"

echo "Installed $bin/wegent-executor ($("$bin/wegent-executor" --version))"
case ":$PATH:" in
  *":$bin:"*) echo "$bin is already on PATH." ;;
  *)
    echo "Add it to PATH (in ~/.bashrc or ~/.zshrc):"
    echo "  export PATH=\"$bin:\$PATH\""
    ;;
esac
echo "Then: put WEGENT_BACKEND_URL and WEGENT_AUTH_TOKEN in $home/config.env, check with 'wegent-executor doctor',"
echo "and run it, or install it as a service: 'wegent-executor service install'."
