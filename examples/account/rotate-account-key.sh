#!/bin/sh
# Roll the ACME account over to a new key (RFC 8555 key change), e.g. after the key leaked or on
# a schedule, and show the account before and after. Safe to interrupt: the new key is stored
# next to the old one (tls.key.next) before the CA is asked, and replaces it only once the CA
# accepted it; any later certctl run finishes an interrupted rollover.
#
#   MANIFESTS=/etc/certctl/manifests OUT_DIR=/etc/certctl/certs examples/account/rotate-account-key.sh letsencrypt
set -eu
issuer=${1:?usage: rotate-account-key.sh ISSUER}
certctl=${CERTCTL:-certctl}
: "${MANIFESTS:?set MANIFESTS to the manifests (file or directory)}"
: "${OUT_DIR:?set OUT_DIR to the store (--out-dir)}"

$certctl account show     -f "$MANIFESTS" --out-dir "$OUT_DIR" "$issuer"
$certctl account rollover -f "$MANIFESTS" --out-dir "$OUT_DIR" "$issuer"
