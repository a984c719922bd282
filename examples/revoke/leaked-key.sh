#!/bin/sh
# A certificate's private key leaked: revoke the certificate (keyCompromise), replace it at once
# with a new key, and show the result. Run it as the user that owns the store:
#
#   MANIFESTS=/etc/certctl/manifests OUT_DIR=/etc/certctl/certs examples/revoke/leaked-key.sh shop
#
# Then reload what serves it (the renew deploy hook does, if you use one). If the ACME account key
# leaked too, roll it over: certctl account rollover -f "$MANIFESTS" --out-dir "$OUT_DIR" ISSUER
set -eu
cert=${1:?usage: leaked-key.sh CERTIFICATE}
certctl=${CERTCTL:-certctl}
: "${MANIFESTS:?set MANIFESTS to the manifests (file or directory)}"
: "${OUT_DIR:?set OUT_DIR to the store (--out-dir)}"

# Exit 6: the CA had revoked it already (by an earlier run, or by someone else); go on all the same.
rc=0
$certctl revoke -f "$MANIFESTS" --out-dir "$OUT_DIR" "$cert" --reason keyCompromise || rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 6 ] || exit "$rc"

# The stored copy is marked revoked, so renew replaces it now, with a new private key.
$certctl renew -f "$MANIFESTS" --out-dir "$OUT_DIR" "${cert#*/}" --no-jitter
$certctl status -f "$MANIFESTS" --out-dir "$OUT_DIR" "${cert#*/}"
