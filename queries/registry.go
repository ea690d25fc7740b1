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

// Lookup returns the rule with the given name.
func Lookup(name string) (*Rule, bool) {
	for _, r := range All() {
		if r.Name == name {
			return r, true
		}
	}
	return nil, false
}
