package e2e

import (
	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/identitycenter"
)

// newUsers is the Provisioner as serve builds it (names policy "derive").
func newUsers(client *identitycenter.Client, log *zap.Logger) (identitycenter.Users, error) {
	return identitycenter.NewProvisioner(identitycenter.ProvisionerConfig{Client: client, Names: identitycenter.NamesDerive, Logger: log}), nil
}
