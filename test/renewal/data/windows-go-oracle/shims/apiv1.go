// Stand-in for github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1: the renewal types
// exactly as types_certificate.go declares them (v1.21.1), without the rest of the API.
package v1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

type CertificateRenewal struct {
	Policy  CertificateRenewalPolicy
	Windows []CertificateRenewalWindows
}

type CertificateRenewalPolicy string

const (
	CertificateRenewalPolicyRenewBefore CertificateRenewalPolicy = "RenewBefore"
	CertificateRenewalPolicyDisabled    CertificateRenewalPolicy = "Disabled"
)

type CertificateRenewalWindows struct {
	Timezone       string
	WindowDuration *metav1.Duration
	Cron           string
}
