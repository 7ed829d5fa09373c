// gameday validate <file…>: every problem of every file, located, with a fix; exit 2 if any.
import { EXIT_CODES } from "../../helpers/report/verdict.ts";
import { formatValidation, validateFiles } from "../../helpers/scenario/validate.ts";
import { targetLoadFlows, targetRuleFiles } from "../targets.ts";
import { parseCommandLine, UsageError, VAR_OPTION, variablesOf } from "../options.ts";

export async function validate(args: string[]): Promise<number> {
  const { values, files } = parseCommandLine({ command: "validate", options: VAR_OPTION, positionals: "files" }, args);
  if (files.length === 0) throw new UsageError("validate needs at least one file, e.g. gameday validate scenarios/*.yaml");
  const result = validateFiles(files, { variables: variablesOf(values.var), targetRuleFiles, targetLoadFlows });
  console.log(formatValidation(result));
  return result.failures.length > 0 ? EXIT_CODES["invalid input"] : 0;
}
