// Every scenario file becomes one test whose steps are its phases (see fixtures/scenario-tests.ts).
import { registerScenarioTests } from "../../fixtures/scenario-tests.ts";

registerScenarioTests();
