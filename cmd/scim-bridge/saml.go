package main

import (
	"context"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/scim-bridge/scim-bridge/saml"
)

// runSAML dispatches `scim-bridge saml check|setup`.
func runSAML(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stderr, "usage: scim-bridge saml <check|setup> [flags]")
		fmt.Fprintln(stderr, "  check  check Okta's IdP metadata and Identity Center's SP values for the mistakes that break sign-in")
		fmt.Fprintln(stderr, "  setup  print the Okta ↔ Identity Center setup, step by step, for your values")
		if len(args) == 0 {
			return errors.New("missing subcommand")
		}
		return nil
	}
	var err error
	switch args[0] {
	case "check":
		err = runSAMLCheck(ctx, args[1:], stdout, stderr)
	case "setup":
		err = runSAMLSetup(args[1:], stdout, stderr)
	default:
		return fmt.Errorf("unknown subcommand %q (want check or setup)", args[0])
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil // --help printed the usage: not a failure
	}
	return err
}

// runSAMLCheck prints every finding and fails when any is an error, so it
// can gate a pipeline.
func runSAMLCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("saml check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	idpSrc := fs.String("idp-metadata", "", "Okta's IdP metadata: a file or an https URL")
	acsURL := fs.String("acs-url", "", "Identity Center's \"IAM Identity Center ACS URL\"")
	issuer := fs.String("issuer", "", "Identity Center's \"IAM Identity Center issuer URL\"")
	spFile := fs.String("sp-metadata", "", "the SP metadata file downloaded from Identity Center (instead of, or as well as, --acs-url/--issuer)")
	scimURL := fs.String("scim-url", "", "optional: the Identity Center SCIM endpoint, to check it is in the issuer's Region")
	verifyCert := fs.String("verify-cert", "", "optional: PEM certificate the IdP metadata must be signed with")
	warnBefore := fs.Duration("warn-before", saml.DefaultWarnBefore, "warn about certificates expiring within this time")
	failOnWarning := fs.Bool("fail-on-warning", false, "exit non-zero on warnings too")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *idpSrc == "" && *spFile == "" && *acsURL == "" && *issuer == "" {
		fs.Usage()
		return errors.New("nothing to check: give --idp-metadata and/or --acs-url with --issuer, or --sp-metadata")
	}
	if *spFile == "" && (*acsURL == "") != (*issuer == "") {
		return errors.New("--acs-url and --issuer go together (or use --sp-metadata)")
	}

	in := saml.CheckInput{SCIMURL: *scimURL, Now: time.Now(), WarnBefore: *warnBefore}
	var findings saml.Findings
	if *idpSrc != "" {
		md, err := loadIdP(ctx, *idpSrc, *verifyCert)
		if err != nil {
			findings = append(findings, saml.Finding{Severity: saml.Error, Code: "idp-metadata-unusable", Message: err.Error(),
				Fix: "give the metadata of Okta's AWS IAM Identity Center app (Sign On → SAML Signing Certificates → Actions → View IdP metadata)"})
		}
		in.IdP = md
	}
	switch {
	case *spFile != "":
		sp, err := loadSP(*spFile)
		if err != nil {
			findings = append(findings, saml.Finding{Severity: saml.Error, Code: "sp-metadata-unusable", Message: err.Error(),
				Fix: "download the SP metadata again: Identity Center → Settings → Identity source → Manage authentication → Download metadata file"})
		}
		in.SP, in.ExpectedACSURL, in.ExpectedIssuer = sp, *acsURL, *issuer
	case *acsURL != "":
		sp, err := saml.SPFromValues(*acsURL, *issuer)
		if err != nil {
			return fmt.Errorf("SP values: %w", err)
		}
		in.SP = sp
	}
	findings = append(findings, saml.Check(in)...)

	if err := findings.Write(stdout); err != nil {
		return err
	}
	nErr, nWarn := findings.Errors(), findings.Warnings()
	fmt.Fprintf(stdout, "%d error(s), %d warning(s)\n", nErr, nWarn)
	if nErr > 0 {
		return fmt.Errorf("%d error(s) found", nErr)
	}
	if *failOnWarning && nWarn > 0 {
		return fmt.Errorf("%d warning(s) found (--fail-on-warning)", nWarn)
	}
	return nil
}

// parseFlags parses args and refuses positional arguments, which these
// subcommands do not take (a value with a space in it, unquoted, lands there).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %v", fs.Args())
	}
	return nil
}

func loadIdP(ctx context.Context, src, verifyCertFile string) (*saml.IdPMetadata, error) {
	certs, err := readVerifyCerts(verifyCertFile)
	if err != nil {
		return nil, err
	}
	data, err := saml.ReadMetadata(ctx, saml.NewHTTPClient(), src, len(certs) > 0)
	if err != nil {
		return nil, err
	}
	md, err := saml.ParseIdPMetadata(data, certs)
	if err != nil {
		return nil, fmt.Errorf("IdP metadata %s: %w", saml.RedactSource(src), err)
	}
	return md, nil
}

func readVerifyCerts(path string) ([]*x509.Certificate, error) {
	if path == "" {
		return nil, nil
	}
	return saml.ReadCertFile(path)
}

func loadSP(path string) (*saml.SP, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read SP metadata: %w", err)
	}
	return saml.ParseSPMetadata(data)
}

// runSAMLSetup prints the whole setup for this operator's values.
func runSAMLSetup(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("saml setup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var p saml.SetupParams
	fs.StringVar(&p.OktaOrg, "okta-org", "", "your Okta domain, e.g. example.okta.com")
	fs.StringVar(&p.ACSURL, "acs-url", "", "Identity Center's \"IAM Identity Center ACS URL\"")
	fs.StringVar(&p.Issuer, "issuer", "", "Identity Center's \"IAM Identity Center issuer URL\"")
	fs.StringVar(&p.BridgeURL, "bridge-url", "", "the bridge's base URL as Okta reaches it, e.g. https://scim-bridge.example.com")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	g, err := saml.NewSetupGuide(p)
	if err != nil {
		fs.Usage()
		return err
	}
	if err := g.Write(stdout); err != nil {
		return err
	}
	if n := g.Findings.Errors(); n > 0 {
		return fmt.Errorf("%d error(s) in the values given: fix them before following the steps", n)
	}
	return nil
}
