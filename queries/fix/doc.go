// Package fix plans the remediation `driftmap fix` proposes: for each
// finding that has a safe remedy, a step of file operations
// (render.Op) that resolves it; for every other finding, an entry
// under "needs a person" with its evidence, the commands that inspect
// it and, for a checked-in file, the change as a diff that is never
// applied.
//
// A plan is made to a fixed point. Each step is planned against the
// tree the steps before it leave, simulated in memory (Options.Sim, a
// rootfs.Overlay over the audited root); after each round the whole
// audit runs again on the simulated tree, and findings the earlier
// steps bring out (the manifests a created directory now expects) get
// steps of their own in the next round. The final simulated audit
// proves the plan: every finding a step claims to resolve is gone from
// it, and any finding it shows that the real tree did not is listed
// under "needs a person" as one the plan would bring out.
//
// The remedies never delete, and never retire what a canonical source
// still claims: a job that an enabled service of instance.yaml or the
// catalog runs is not retired, whatever rule asks for it; the plan says
// which entry to change first.
//
// This package only reads. The plan is carried out by render.ApplyOps,
// the one writer, and formatted by package exporters.
package fix
