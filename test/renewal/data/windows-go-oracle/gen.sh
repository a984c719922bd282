#!/bin/sh
# Regenerates ../windows-go-oracle.json: the answers of cert-manager's own Go code to the cases
# make-cases.mjs writes. CI does not run this; it only reads the JSON.
#
# Needs: go (1.19 or newer; GOPATH mode, no module downloads), node, the IANA zoneinfo of the
# system (Debian `tzdata`), and cert-manager's source at CERT_MANAGER_COMMIT, from a git
# directory given as CERT_MANAGER_GIT (a clone or a bare mirror), else fetched file by file from
# raw.githubusercontent.com.
#
# What runs is cert-manager's code, unmodified: internal/cron's parser and schedules (its copy of
# robfig/cron v3) with the Schedule interface cut out of cron.go,
# pkg/util/pki/renewaltime.go and the CronParse function with the CronSchedule interface cut
# out of pkg/util/util.go (the rest of util.go pulls in the whole API). shims/ replaces only the
# plain data types those files import (metav1.Time/Duration, the renewal types, the ARI response).
set -eu

CERT_MANAGER_COMMIT=${CERT_MANAGER_COMMIT:-24e33194fb39488eff2bbf10c6dc640f407cad44} # v1.21.1
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../windows-go-oracle.json"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cm="$work/src/github.com/cert-manager/cert-manager"
mkdir -p "$cm/internal/cron" "$cm/pkg/util/pki" "$cm/pkg/apis/certmanager/v1" \
  "$cm/third_party/forked/acme" "$cm/hack/certctl-oracle" \
  "$work/src/k8s.io/apimachinery/pkg/apis/meta/v1"

fetch() { # fetch <path in cert-manager> <destination>
  if [ -n "${CERT_MANAGER_GIT:-}" ]; then
    git --git-dir="$CERT_MANAGER_GIT" show "$CERT_MANAGER_COMMIT:$1" >"$2"
  else
    curl -fsSL "https://raw.githubusercontent.com/cert-manager/cert-manager/$CERT_MANAGER_COMMIT/$1" -o "$2"
  fi
}

# The parser and the schedules, not the job runner (cron.go, logger.go, option.go need Go 1.25):
# of cron.go only the Schedule interface the parser returns.
for f in constantdelay.go parser.go spec.go; do
  fetch "internal/cron/$f" "$cm/internal/cron/$f"
done
fetch internal/cron/cron.go "$work/cron.go"
{
  printf 'package cron\n\nimport "time"\n\n'
  awk '/^type Schedule interface/,/^}/' "$work/cron.go"
} >"$cm/internal/cron/schedule.go"
grep -q 'Next(time.Time) time.Time' "$cm/internal/cron/schedule.go" || { echo "Schedule not found in cron.go" >&2; exit 1; }
fetch pkg/util/pki/renewaltime.go "$cm/pkg/util/pki/renewaltime.go"
fetch pkg/util/util.go "$work/util.go"
{
  printf 'package util\n\nimport (\n\t"fmt"\n\t"time"\n\n\t"github.com/cert-manager/cert-manager/internal/cron"\n)\n\n'
  awk '/^type CronSchedule interface/,/^}/' "$work/util.go"
  echo
  awk '/^func CronParse\(/,/^}/' "$work/util.go"
} >"$cm/pkg/util/cron.go"
grep -q 'func CronParse' "$cm/pkg/util/cron.go" || { echo "CronParse not found in util.go" >&2; exit 1; }

cp "$here/shims/metav1.go" "$work/src/k8s.io/apimachinery/pkg/apis/meta/v1/"
cp "$here/shims/apiv1.go" "$cm/pkg/apis/certmanager/v1/"
cp "$here/shims/acme.go" "$cm/third_party/forked/acme/"
cp "$here/main.go" "$cm/hack/certctl-oracle/"

node "$here/make-cases.mjs" >"$work/cases.json"
(cd "$cm/hack/certctl-oracle" && GOPATH="$work" GO111MODULE=off GOFLAGS= GOCACHE="$work/cache" \
  go run . <"$work/cases.json" >"$work/answers.json")
node -e '
  const fs = require("node:fs");
  const doc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  doc.generator = process.argv[2];
  fs.writeFileSync(process.argv[3], JSON.stringify(doc, null, 1) + "\n");
' "$work/answers.json" "cert-manager@$CERT_MANAGER_COMMIT (v1.21.1), $(go version | cut -d" " -f3), tzdata $(dpkg-query -W -f='${Version}' tzdata 2>/dev/null || echo unknown); cases from make-cases.mjs on node $(node -p process.versions.node) (ICU tz $(node -p process.versions.tz))" "$out"
echo "wrote $out"
