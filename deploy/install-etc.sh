#!/bin/sh
# deploy/install-etc.sh ETCDIR CONFIG PARTIES VERSION - meson install's part in /etc/jrp
# (meson.add_install_script; honours $DESTDIR): the configuration and the parties registry,
# each only where there is none yet (a reinstall must not undo an office's registry: the
# shipped file then goes beside it as NAME.dist), and the link rules -> catalogues/VERSION
# only where there is no link yet (it names the catalogue in force: never moved by an install).
set -eu
etc=${DESTDIR:-}$1
install -d -m 0755 "$etc"
put() {   # put SRC NAME
  if [ -e "$etc/$2" ]; then
    install -m 0644 "$1" "$etc/$2.dist"
    echo "kept $etc/$2; the shipped one is $2.dist"
  else
    install -m 0644 "$1" "$etc/$2"
  fi
}
put "$2" jrp.yaml
put "$3" parties.yaml
if [ ! -e "$etc/rules" ] && [ ! -L "$etc/rules" ]; then
  ln -s "catalogues/$4" "$etc/rules"
fi
