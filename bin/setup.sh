# Shared by bin/run and bin/test (sourced, not run): everything a fresh Debian machine
# needs before Zhixin starts, each step skipped when it is done already.
#
# ROOT must be set to the repository root by the caller.

VENV="$ROOT/.venv"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, else through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    return 1
  fi
}

deb_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Is the Debian package (or, for programs, the program itself) present?
have_package() {
  case "$1" in
    ffmpeg) command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 ;;
    python3) command -v python3 >/dev/null 2>&1 ;;
    python3-venv) python3 -c 'import ensurepip, venv' >/dev/null 2>&1 ;;
    wrk|nginx) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] ;;
    # The browser tests drive exactly this program (tests/e2e/conftest.py).
    chromium) deb_installed chromium && [ -x /usr/bin/chromium ] ;;
    *) deb_installed "$1" ;;
  esac
}

# ensure_packages PKG...: install the missing ones with apt-get (apt-get update first,
# only when something is missing). Stops with the exact command to run when it cannot.
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    have_package "$pkg" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing system packages: ${missing[*]}"
  if command -v apt-get >/dev/null 2>&1 \
      && as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
      && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    return 0
  fi
  die "could not install ${missing[*]}. Please install them as root, then start again:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
}

# The virtualenv in .venv, made again when its interpreter is gone.
ensure_venv() {
  ensure_packages python3 python3-venv
  if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    return 0
  fi
  say "creating the virtualenv in .venv"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
}

# ensure_requirements FILE: pip install -r FILE, only when FILE changed since the last
# install (its checksum is kept in .venv/.stamp-FILE).
ensure_requirements() {
  local file="$1" stamp="$VENV/.stamp-$(basename "$1")" sum
  sum="$(sha256sum "$ROOT/$file" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  say "installing Python packages from $file"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$ROOT/$file"
  echo "$sum" > "$stamp"
}

# Compile the message catalogues, if there are any yet.
compile_translations() {
  if compgen -G "$ROOT/translations/*/LC_MESSAGES/*.po" >/dev/null; then
    "$VENV/bin/pybabel" -q compile -d "$ROOT/translations"
  fi
}
