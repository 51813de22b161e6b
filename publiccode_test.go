package sostegno_test

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// publiccode is the part of the publiccode.yml standard (core schema,
// version 0, and the Italian country section) that the Developers Italia
// catalogue requires.
type publiccode struct {
	Version           string   `yaml:"publiccodeYmlVersion"`
	Name              string   `yaml:"name"`
	URL               string   `yaml:"url"`
	Platforms         []string `yaml:"platforms"`
	Categories        []string `yaml:"categories"`
	DevelopmentStatus string   `yaml:"developmentStatus"`
	SoftwareType      string   `yaml:"softwareType"`
	Description       map[string]struct {
		ShortDescription string   `yaml:"shortDescription"`
		LongDescription  string   `yaml:"longDescription"`
		Features         []string `yaml:"features"`
	} `yaml:"description"`
	Legal struct {
		License string `yaml:"license"`
	} `yaml:"legal"`
	Maintenance struct {
		Type     string `yaml:"type"`
		Contacts []struct {
			Name string `yaml:"name"`
		} `yaml:"contacts"`
	} `yaml:"maintenance"`
	Localisation struct {
		Ready     *bool    `yaml:"localisationReady"`
		Languages []string `yaml:"availableLanguages"`
	} `yaml:"localisation"`
	IT struct {
		CountryExtensionVersion string `yaml:"countryExtensionVersion"`
	} `yaml:"IT"`
}

func TestPubliccodeYML(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("publiccode.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(raw) {
		t.Fatal("publiccode.yml is not UTF-8")
	}
	var pc publiccode
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	if err := dec.Decode(&pc); err != nil {
		t.Fatalf("publiccode.yml does not parse: %v", err)
	}
	check := func(ok bool, what string) {
		t.Helper()
		if !ok {
			t.Errorf("publiccode.yml: %s", what)
		}
	}
	check(pc.Version != "", "publiccodeYmlVersion is mandatory")
	check(pc.Name != "", "name is mandatory")
	check(strings.HasPrefix(pc.URL, "https://"), "url must be the repository's https URL")
	check(len(pc.Platforms) > 0, "platforms is mandatory")
	check(len(pc.Categories) > 0, "categories is mandatory")
	check(slices.Contains([]string{"concept", "development", "beta", "stable", "obsolete"}, pc.DevelopmentStatus),
		"developmentStatus must be one of the standard's values")
	check(pc.SoftwareType == "library", "softwareType must be library")
	for _, lang := range []string{"it", "en"} {
		d, ok := pc.Description[lang]
		check(ok, "description in "+lang+" is missing")
		n := utf8.RuneCountInString(strings.TrimSpace(d.ShortDescription))
		check(n > 0 && n <= 150, "description/"+lang+"/shortDescription must have 1 to 150 characters")
		n = utf8.RuneCountInString(strings.TrimSpace(d.LongDescription))
		check(n >= 150 && n <= 10000, "description/"+lang+"/longDescription must have 150 to 10000 characters")
		check(len(d.Features) > 0, "description/"+lang+"/features is mandatory")
	}
	check(pc.Legal.License == "EUPL-1.2", "legal/license must be EUPL-1.2")
	check(slices.Contains([]string{"internal", "contract", "community", "none"}, pc.Maintenance.Type),
		"maintenance/type must be one of the standard's values")
	if pc.Maintenance.Type == "internal" || pc.Maintenance.Type == "community" {
		check(len(pc.Maintenance.Contacts) > 0 && pc.Maintenance.Contacts[0].Name != "",
			"maintenance/contacts is mandatory for internal or community maintenance")
	}
	check(pc.Localisation.Ready != nil, "localisation/localisationReady is mandatory")
	check(slices.Contains(pc.Localisation.Languages, "it") && slices.Contains(pc.Localisation.Languages, "en"),
		"localisation/availableLanguages must list it and en")
	check(pc.IT.CountryExtensionVersion == "1.0", "IT/countryExtensionVersion must be 1.0")
}

// TestLicenseFile checks that the licence declared in publiccode.yml is the
// one shipped in LICENSE.
func TestLicenseFile(t *testing.T) {
	t.Parallel()
	f, err := os.Open("LICENSE")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() || !strings.Contains(sc.Text(), "EUROPEAN UNION PUBLIC LICENCE v. 1.2") {
		t.Fatalf("LICENSE does not start with the EUPL 1.2 title")
	}
}
