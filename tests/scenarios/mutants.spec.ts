// Mutation checks: every shipped scenario must catch a fault that was not applied (harness error)
// and a recovery that was skipped (a finding). A mutant that passes means the scenario cannot tell a
// broken game day from a good one. See fixtures/scenario-tests.ts.
import { registerMutantTests } from "../../fixtures/scenario-tests.ts";

registerMutantTests();
