package queries

import (
	"slices"
	"strings"
)

// All returns every rule, sorted by name. The slice is new on every call.
func All() []*Rule {
	rules := []*Rule{
		ParseError,
		MissingTarget,
		MissingLogDir,
		NotExecutable,
		MissingDirectory,
		UnknownDependency,
		RenamedReference,
		DisabledDependency,
		DependencyCycle,
		DuplicateWatchdog,
		DuplicateLabel,
		DuplicateKey,
		PortConflict,
		MissingJob,
		MissingInstanceKey,
		Unmanaged,
		HandRegistered,
		OrphanWrapper,
		ManifestDrift,
		ManifestMissing,
		ArtifactDrift,
		ArtifactMissing,
		ConflictingDefinition,
		TemplateError,
		UnmappedPlaceholder,
		LiveButDisabled,
		GhostJob,
		NotLoaded,
		StaleLoad,
		OverrideConflict,
		Flapping,
		MissingTrigger,
		MaskedDependency,
		OrderingCycle,
		DropinOverride,
		InvalidUnit,
		TwoSources,
		StaleIgnore,
		StaleBaseline,
	}
	slices.SortFunc(rules, func(a, b *Rule) int { return strings.Compare(a.Name, b.Name) })
	return rules
}

// Documented returns every rule, those check runs (All) and those
// fleet runs (FleetRules), sorted by name: what `driftmap rules` lists
// and docs/rules.md documents.
func Documented() []*Rule {
	rules := append(All(), FleetRules()...)
	slices.SortFunc(rules, func(a, b *Rule) int { return strings.Compare(a.Name, b.Name) })
	return rules
}

// Lookup returns the rule with the given name, a check rule or a fleet
// rule.
func Lookup(name string) (*Rule, bool) {
	for _, r := range Documented() {
		if r.Name == name {
			return r, true
		}
	}
	return nil, false
}
