# Shared by the ensure_* scripts: a loud message, and apt-get when we may use it.

shout() {
  printf '\n\033[1;31m%s\033[0m\n' "################################################################"
  printf '\033[1;31m# %s\033[0m\n' "$@"
  printf '\033[1;31m%s\033[0m\n\n' "################################################################"
}

apt_install() {
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null && command -v apt-get >/dev/null; then
    sudo apt-get update -qq >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    return 1
  fi
}
