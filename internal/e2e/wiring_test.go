package e2e

import (
	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

// newUsers is the Provisioner as serve builds it.
func newUsers(client *identitycenter.Client, names identitycenter.NamePolicy, log *zap.Logger) (identitycenter.Users, error) {
	return identitycenter.NewProvisioner(identitycenter.ProvisionerConfig{Client: client, Names: names, Logger: log}), nil
}
