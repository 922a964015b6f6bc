#!/bin/sh
# Installs what nianbao uses from outside Rust, where it is missing (Debian/Ubuntu):
# poppler's pdftotext and its CJK CMaps, to read PDFs. Needs root or sudo; without them it
# says what to install and carries on (text, HTML and DOCX need nothing).
set -e
if command -v pdftotext >/dev/null 2>&1 && [ -d /usr/share/poppler/cMap ]; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO=none; fi
if [ "$SUDO" = none ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "nianbao: to read PDFs install poppler (pdftotext) and poppler-data" >&2
  exit 0
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq poppler-utils poppler-data >/dev/null
