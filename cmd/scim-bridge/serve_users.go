package main

import (
	"fmt"

	"go.uber.org/zap"

	"github.com/scim-bridge/scim-bridge/identitycenter"
	"github.com/scim-bridge/scim-bridge/internal/config"
)

// newUsers builds the Provisioner that translates Okta's user requests for
// Identity Center.
func newUsers(client *identitycenter.Client, cfg *config.Serve, log *zap.Logger) (identitycenter.Users, error) {
	var names identitycenter.NamePolicy
	switch cfg.Names {
	case config.NamesDerive:
		names = identitycenter.NamesDerive
	case config.NamesReject:
		names = identitycenter.NamesReject
	default:
		return nil, fmt.Errorf("--names %q: want %s or %s", cfg.Names, config.NamesDerive, config.NamesReject)
	}
	return identitycenter.NewProvisioner(identitycenter.ProvisionerConfig{Client: client, Names: names, Logger: log}), nil
}
