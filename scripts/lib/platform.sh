# Sourced by scripts/build-local and scripts/pack: the .NET runtime identifier of this machine and the platforms we ship.
supported_rids="linux-x64 linux-arm64 osx-x64 osx-arm64 win-x64"

host_rid() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=osx ;;
    MINGW* | MSYS* | CYGWIN*) os=win ;;
    *) echo "unsupported operating system: $(uname -s)" >&2; exit 2 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "unsupported architecture: $(uname -m)" >&2; exit 2 ;;
  esac
  echo "$os-$arch"
}
