module certctl.test/keystore-oracle

go 1.19

require (
	github.com/pavlo-v-chernykh/keystore-go/v4 v4.5.0
	golang.org/x/crypto v0.11.0
	software.sslmate.com/src/go-pkcs12 v0.7.2
)
