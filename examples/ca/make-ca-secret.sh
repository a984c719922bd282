#!/bin/sh
# Generates a throw-away CA with openssl and prints it as the kubernetes.io/tls Secret that
# issuer-with-inline-secret.yaml refers to. With your own CA, use your files instead:
#   kubectl create secret tls corp-ca --cert=ca.pem --key=ca-key.pem -n cert-manager --dry-run=client -o yaml
#
#   sh examples/ca/make-ca-secret.sh > /tmp/corp-ca.yaml
#   certctl issue -f examples/ca/issuer-with-inline-secret.yaml -f /tmp/corp-ca.yaml
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/O=Example Corp/CN=Example Corp CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
  -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
cat <<YAML
apiVersion: v1
kind: Secret
metadata:
  name: corp-ca
  namespace: cert-manager
type: kubernetes.io/tls
data:
  tls.crt: $(base64 -w0 "$dir/ca.crt")
  tls.key: $(base64 -w0 "$dir/ca.key")
YAML
