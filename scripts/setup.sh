#!/usr/bin/env bash
# Installs what building and testing need on a Debian/Ubuntu machine, when missing:
# a C toolchain and pkg-config for -sys crates, tesseract and leptonica (headers for the
# bindings, libclang for bindgen, the French and orientation models), poppler-utils (pdftotext, the benchmark
# anchor), and a Rust toolchain through rustup when no cargo is on the PATH.
# Idempotent and quiet when everything is there. Usage: scripts/setup.sh
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(pkg-config gcc make poppler-utils ca-certificates python3 python3-yaml
          libtesseract-dev libleptonica-dev libclang-dev tesseract-ocr tesseract-ocr-fra tesseract-ocr-osd)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ -f "$HOME/.cargo/env" ]; then . "$HOME/.cargo/env"; fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: installing a Rust toolchain with rustup" >&2
  $SUDO apt-get update -qq
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends rustup >/dev/null 2>&1; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends curl >/dev/null
    curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
    . "$HOME/.cargo/env"
  fi
  rustup default stable >/dev/null
fi

# With `broker`: a local RabbitMQ for the fleet tests, installed and started when none runs
# (skipped when DOSSIER_AMQP_URL points at another host).
if [ "${1:-}" = "broker" ]; then
  url="${DOSSIER_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}"
  case "$url" in
    *@127.0.0.1:*|*@localhost:*|*@127.0.0.1/*|*@localhost/*) ;;
    *) exit 0 ;;
  esac
  if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
    echo "setup: installing rabbitmq-server" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends rabbitmq-server >/dev/null
  fi
  export PATH="$PATH:/usr/sbin"
  if ! $SUDO rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    echo "setup: starting rabbitmq-server" >&2
    $SUDO rabbitmq-server -detached >/dev/null 2>&1 || true
    timeout 120 $SUDO rabbitmqctl await_startup >/dev/null 2>&1 || { echo "setup: RabbitMQ did not start" >&2; exit 1; }
  fi
fi
