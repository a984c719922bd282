#!/bin/sh
# An exec-provider hook: adds or removes one TXT value with BIND's nsupdate.
# certctl calls:  nsupdate-hook.sh present|cleanup <fqdn> <value>
# Environment: NSUPDATE_SERVER (host[:port]), NSUPDATE_KEYFILE (a TSIG key file), and certctl's
# CERTCTL_ZONE / CERTCTL_TTL.
set -eu
action=$1 fqdn=$2 value=$3
server=${NSUPDATE_SERVER:?set NSUPDATE_SERVER}
host=${server%:*} port=53
[ "$host" != "$server" ] && port=${server##*:}
case $action in
  present) op=add ;;
  cleanup) op=delete ;;
  *) echo "unknown action $action" >&2; exit 2 ;;
esac
# "update add" of an existing RR and "update delete" of a missing one are no-ops in DNS UPDATE,
# which makes this hook idempotent as certctl requires.
nsupdate ${NSUPDATE_KEYFILE:+-k "$NSUPDATE_KEYFILE"} <<NSUPDATE
server $host $port
zone ${CERTCTL_ZONE}
update $op $fqdn ${CERTCTL_TTL:-60} TXT "$value"
send
NSUPDATE
