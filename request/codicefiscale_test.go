package request_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/sostegno/sostegno/request"
)

// The generator below follows the Agenzia delle Entrate's algorithm (DM 23
// December 1976) written independently of the package: its own tables, its
// own name normalisation by replacement, its own check character.

var accents = strings.NewReplacer(
	"À", "A", "Á", "A", "Â", "A", "Ä", "A", "à", "a", "á", "a", "â", "a", "ä", "a",
	"È", "E", "É", "E", "Ê", "E", "Ë", "E", "è", "e", "é", "e", "ê", "e", "ë", "e",
	"Ì", "I", "Í", "I", "Î", "I", "Ï", "I", "ì", "i", "í", "i", "î", "i", "ï", "i",
	"Ò", "O", "Ó", "O", "Ô", "O", "Ö", "O", "ò", "o", "ó", "o", "ô", "o", "ö", "o",
	"Ù", "U", "Ú", "U", "Û", "U", "Ü", "U", "ù", "u", "ú", "u", "û", "u", "ü", "u",
	"Ç", "C", "ç", "c", "Ñ", "N", "ñ", "n", "Š", "S", "š", "s", "Ž", "Z", "ž", "z",
)

func genLetters(name string) (cons, vows string) {
	for _, r := range strings.ToUpper(accents.Replace(name)) {
		switch {
		case strings.ContainsRune("AEIOU", r):
			vows += string(r)
		case r >= 'A' && r <= 'Z':
			cons += string(r)
		}
	}
	return cons, vows
}

func genFamily(name string) string {
	c, v := genLetters(name)
	return (c + v + "XXX")[:3]
}

func genGiven(name string) string {
	c, v := genLetters(name)
	if len(c) > 3 {
		return c[0:1] + c[2:4]
	}
	return (c + v + "XXX")[:3]
}

var genOdd = map[byte]int{
	'0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
	'A': 1, 'B': 0, 'C': 5, 'D': 7, 'E': 9, 'F': 13, 'G': 15, 'H': 17, 'I': 19, 'J': 21,
	'K': 2, 'L': 4, 'M': 18, 'N': 20, 'O': 11, 'P': 3, 'Q': 6, 'R': 8, 'S': 12, 'T': 14,
	'U': 16, 'V': 10, 'W': 22, 'X': 25, 'Y': 24, 'Z': 23,
}

func genEven(c byte) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	return int(c - 'A')
}

func genCheck(code15 string) string {
	sum := 0
	for i := 0; i < 15; i++ {
		if (i+1)%2 == 1 {
			sum += genOdd[code15[i]]
		} else {
			sum += genEven(code15[i])
		}
	}
	return string(rune('A' + sum%26))
}

// genCF returns the codice fiscale of a person born at birth in the place
// with the given codice catastale.
func genCF(family, given string, birth time.Time, sex request.Sex, place string) string {
	day := birth.Day()
	if sex == request.SexFemale {
		day += 40
	}
	code := genFamily(family) + genGiven(given) +
		fmt.Sprintf("%02d", birth.Year()%100) + string("ABCDEHLMPRST"[birth.Month()-1]) +
		fmt.Sprintf("%02d", day) + place
	return code + genCheck(code)
}

// genOmocodic replaces the n rightmost digits of code (the order the
// Agenzia uses) by their letters and recomputes the check character.
func genOmocodic(code string, n int) string {
	b := []byte(code[:15])
	positions := []int{14, 13, 12, 10, 9, 7, 6}
	for _, p := range positions[:n] {
		b[p] = "LMNPQRSTUV"[b[p]-'0']
	}
	return string(b) + genCheck(string(b))
}

var (
	familyNames = []string{"Rossi", "De Luca", "D'Angelo", "Fò", "Esposito", "Bianchi", "Russo", "Di Nicolò",
		"Lo Iacono", "Öztürk", "Nguyen", "Wu", "Aiello", "Ferrari", "Dell'Acqua", "Sánchez García", "Iè", "Ba",
		"Colombo", "Mancini", "Oe", "Y", "Caruso-Greco"}
	givenNames = []string{"Mario", "Maria Luisa", "Gianfranco", "Niccolò", "Zoe", "Al", "Andrea", "Chiara",
		"José", "Aïcha", "Li", "Francesca", "Karim", "Ioana", "Luca", "Giuseppe", "Anna Maria", "Ugo", "Eva",
		"Jean-Pierre", "Ilaria", "Ö"}
	placeCodes = []string{"F205", "H501", "F839", "L219", "Z100", "Z330", "A794", "D969", "G273", "B157"}
)

type generated struct {
	data request.PersonalData
	code string
}

// generatedPeople returns n people with random names, birth data and sex,
// and their codes, reproducibly.
func generatedPeople(n int) []generated {
	rng := rand.New(rand.NewPCG(2021, 3))
	out := make([]generated, n)
	for i := range out {
		sex := request.SexMale
		if rng.IntN(2) == 1 {
			sex = request.SexFemale
		}
		birth := time.Date(1920, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(100*365))
		d := request.PersonalData{
			FamilyName: familyNames[rng.IntN(len(familyNames))],
			GivenName:  givenNames[rng.IntN(len(givenNames))],
			BirthDate:  birth,
			BirthPlace: "Milano",
			Sex:        sex,
			Residence:  "Via Dante 1, Milano",
		}
		out[i] = generated{d, genCF(d.FamilyName, d.GivenName, birth, sex, placeCodes[rng.IntN(len(placeCodes))])}
	}
	return out
}

func TestKnownCodes(t *testing.T) {
	t.Parallel()
	// The code given as the example in public documents.
	for _, tc := range []struct {
		code   string
		family string
		given  string
		birth  string
		sex    request.Sex
	}{
		{"RSSMRA80A01H501U", "Rossi", "Mario", "1980-01-01", request.SexMale},
	} {
		birth, _ := time.Parse(time.DateOnly, tc.birth)
		if got := genCF(tc.family, tc.given, birth, tc.sex, tc.code[11:15]); got != tc.code {
			t.Errorf("generator gives %s for %s, want %s", got, tc.code, tc.code)
		}
		c, err := request.ParseCodiceFiscale(tc.code)
		if err != nil {
			t.Fatalf("ParseCodiceFiscale(%s): %v", tc.code, err)
		}
		d := request.PersonalData{FamilyName: tc.family, GivenName: tc.given, BirthDate: birth, Sex: tc.sex}
		if err := c.ConsistentWith(d); err != nil {
			t.Errorf("%s: ConsistentWith: %v", tc.code, err)
		}
	}
}

func TestNameCodes(t *testing.T) {
	t.Parallel()
	birth := time.Date(1990, 6, 15, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ family, given, want string }{
		{"De Luca", "Gianfranco", "DLCGFR"},
		{"D'Angelo", "Niccolò", "DNGNCL"},
		{"Fò", "Zoe", "FOXZOE"},
		{"Wu", "Al", "WUXLAX"},
		{"Dell'Acqua", "Maria Luisa", "DLLMLS"},
		{"Lo Iacono", "José", "LCNJSO"},
		{"Öztürk", "Aïcha", "ZTRCHA"},
	} {
		code := genCF(tc.family, tc.given, birth, request.SexMale, "F205")
		if code[:6] != tc.want {
			t.Fatalf("generator: %s %s gives %s, want %s", tc.family, tc.given, code[:6], tc.want)
		}
		c, err := request.ParseCodiceFiscale(code)
		if err != nil {
			t.Fatal(err)
		}
		d := request.PersonalData{FamilyName: tc.family, GivenName: tc.given, BirthDate: birth, Sex: request.SexMale}
		if err := c.ConsistentWith(d); err != nil {
			t.Errorf("%s %s (%s): %v", tc.family, tc.given, tc.want, err)
		}
	}
}

func TestGeneratedCodes(t *testing.T) {
	t.Parallel()
	people := generatedPeople(500)
	for _, p := range people {
		c, err := request.ParseCodiceFiscale(strings.ToLower(" " + p.code + " "))
		if err != nil {
			t.Fatalf("ParseCodiceFiscale: %v", err)
		}
		if string(c) != p.code {
			t.Fatalf("parsed code not normalised")
		}
		if c.Omocodic() {
			t.Fatalf("plain code reported omocodic")
		}
		if c.Sex() != p.data.Sex {
			t.Fatalf("Sex() = %s, want %s", c.Sex(), p.data.Sex)
		}
		if err := c.ConsistentWith(p.data); err != nil {
			t.Fatalf("%s %s: ConsistentWith: %v", p.data.FamilyName, p.data.GivenName, err)
		}
	}
}

func TestOmocodicCodes(t *testing.T) {
	t.Parallel()
	for _, p := range generatedPeople(100) {
		for n := 1; n <= 7; n++ {
			o := genOmocodic(p.code, n)
			c, err := request.ParseCodiceFiscale(o)
			if err != nil {
				t.Fatalf("omocodic variant %d: %v", n, err)
			}
			if !c.Omocodic() {
				t.Fatalf("omocodic variant %d not reported omocodic", n)
			}
			if string(c.Decoded()) != p.code {
				t.Fatalf("omocodic variant %d does not decode to the code", n)
			}
			if err := c.ConsistentWith(p.data); err != nil {
				t.Fatalf("omocodic variant %d: ConsistentWith: %v", n, err)
			}
		}
	}
}

// Every single-character change of a valid code is refused: the check
// character catches any one substitution the shape rules let through.
func TestCorruptedCodes(t *testing.T) {
	t.Parallel()
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for _, p := range generatedPeople(60) {
		for i := range 16 {
			for _, r := range alphabet {
				if byte(r) == p.code[i] {
					continue
				}
				bad := p.code[:i] + string(r) + p.code[i+1:]
				_, err := request.ParseCodiceFiscale(bad)
				if !errors.Is(err, request.ErrCodiceFiscale) {
					t.Fatalf("change at %d accepted (err %v)", i+1, err)
				}
				if strings.Contains(err.Error(), bad) || strings.Contains(err.Error(), p.code) {
					t.Fatalf("error repeats the code: %v", err)
				}
			}
		}
	}
}

func TestParseProblems(t *testing.T) {
	t.Parallel()
	valid := "RSSMRA80A01H501U"
	for _, tc := range []struct {
		code string
		want request.CodiceFiscaleProblem
		pos  int
	}{
		{"", request.CFLength, 0},
		{"RSSMRA80A01H501", request.CFLength, 0},
		{"RSSMRA80A01H501UU", request.CFLength, 0},
		{"RSSMRÀ80A01H501", request.CFCharacter, 6}, // 16 bytes, 15 letters
		{"R5SMRA80A01H501U", request.CFCharacter, 2},
		{"RSSMRA8AA01H501U", request.CFCharacter, 8},
		{"RSSMRA80A01H5O1U", request.CFCharacter, 14},
		{"RSSMRA80A0-H501U", request.CFCharacter, 11},
		{"RSSMRA80F01H501U", request.CFMonth, 0},
		{"RSSMRA80A00H501U", request.CFDay, 0},
		{"RSSMRA80A32H501U", request.CFDay, 0},
		{"RSSMRA80A72H501U", request.CFDay, 0},
		{"RSSMRA80B30H501U", request.CFDay, 0},
		{"RSSMRA81B29H501U", request.CFDay, 0},
		{"RSSMRA80A01H501A", request.CFCheckCharacter, 0},
	} {
		_, err := request.ParseCodiceFiscale(tc.code)
		var ce *request.CodiceFiscaleError
		if !errors.As(err, &ce) || ce.Problem != tc.want || ce.Position != tc.pos {
			t.Errorf("ParseCodiceFiscale(%q) = %v, want problem %s at %d", tc.code, err, tc.want, tc.pos)
			continue
		}
		if tc.code != "" && strings.Contains(err.Error(), tc.code) {
			t.Errorf("error repeats the code: %v", err)
		}
	}
	if _, err := request.ParseCodiceFiscale(valid); err != nil {
		t.Fatal(err)
	}
	// 29 February exists in a year ending in 80 (1980 or 2080).
	leap := genCF("Rossi", "Mario", time.Date(1980, 2, 29, 0, 0, 0, 0, time.UTC), request.SexFemale, "F205")
	if _, err := request.ParseCodiceFiscale(leap); err != nil {
		t.Errorf("29 February 1980: %v", err)
	}
}

func TestConsistentWithProblems(t *testing.T) {
	t.Parallel()
	birth := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	base := request.PersonalData{FamilyName: "Rossi", GivenName: "Mario", BirthDate: birth, Sex: request.SexMale}
	c := request.CodiceFiscale("RSSMRA80A01H501U")
	for _, tc := range []struct {
		name   string
		change func(*request.PersonalData)
		want   []request.CodiceFiscaleProblem
	}{
		{"family name", func(d *request.PersonalData) { d.FamilyName = "Verdi" }, []request.CodiceFiscaleProblem{request.CFFamilyName}},
		{"given name", func(d *request.PersonalData) { d.GivenName = "Marco" }, []request.CodiceFiscaleProblem{request.CFGivenName}},
		{"year", func(d *request.PersonalData) { d.BirthDate = birth.AddDate(1, 0, 0) }, []request.CodiceFiscaleProblem{request.CFBirthDate}},
		{"month", func(d *request.PersonalData) { d.BirthDate = birth.AddDate(0, 1, 0) }, []request.CodiceFiscaleProblem{request.CFBirthDate}},
		{"day", func(d *request.PersonalData) { d.BirthDate = birth.AddDate(0, 0, 1) }, []request.CodiceFiscaleProblem{request.CFBirthDate}},
		{"sex", func(d *request.PersonalData) { d.Sex = request.SexFemale }, []request.CodiceFiscaleProblem{request.CFSex}},
		{"all", func(d *request.PersonalData) {
			*d = request.PersonalData{FamilyName: "Verdi", GivenName: "Anna", BirthDate: birth.AddDate(2, 0, 0), Sex: request.SexFemale}
		}, []request.CodiceFiscaleProblem{request.CFFamilyName, request.CFGivenName, request.CFBirthDate, request.CFSex}},
		{"empty fields are not compared", func(d *request.PersonalData) { *d = request.PersonalData{} }, nil},
		{"case and spaces", func(d *request.PersonalData) { d.FamilyName, d.GivenName = "  rossi ", "MARIO" }, nil},
	} {
		d := base
		tc.change(&d)
		err := c.ConsistentWith(d)
		got := request.Problems(err)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: problems %v, want %v", tc.name, got, tc.want)
		}
		if len(tc.want) > 0 && !errors.Is(err, request.ErrCodiceFiscale) {
			t.Errorf("%s: error does not wrap ErrCodiceFiscale", tc.name)
		}
		if err != nil && strings.Contains(err.Error(), string(c)) {
			t.Errorf("%s: error repeats the code", tc.name)
		}
	}
	if err := request.CodiceFiscale("RSSMRA80A01H501A").ConsistentWith(base); !errors.Is(err, request.ErrCodiceFiscale) {
		t.Errorf("malformed code: %v", err)
	}
}

func FuzzParseCodiceFiscale(f *testing.F) {
	for _, p := range generatedPeople(20) {
		f.Add(p.code)
		f.Add(genOmocodic(p.code, 3))
	}
	f.Add("")
	f.Add("RSSMRA80A01H501Ù")
	f.Add("rssmra80a01h501u")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := request.ParseCodiceFiscale(s)
		if err != nil {
			if !errors.Is(err, request.ErrCodiceFiscale) {
				t.Fatalf("error does not wrap ErrCodiceFiscale: %v", err)
			}
			if len(strings.TrimSpace(s)) >= 4 && strings.Contains(err.Error(), strings.TrimSpace(s)) {
				t.Fatalf("error repeats the input: %v", err)
			}
			return
		}
		if len(c) != 16 || c.Sex() == "" {
			t.Fatalf("accepted code is not decodable")
		}
		again, err := request.ParseCodiceFiscale(string(c))
		if err != nil || again != c {
			t.Fatalf("parsed code does not parse to itself: %v", err)
		}
		if d := c.Decoded(); d == "" || d.Omocodic() {
			t.Fatalf("Decoded is not a plain code")
		}
		_ = c.ConsistentWith(request.PersonalData{FamilyName: s, GivenName: s, Sex: request.SexFemale, BirthDate: time.Now()})
	})
}
