//go:build tools

// Pins actionlint, the GitHub Actions workflow checker the test suite runs on the example workflow.
package tools

import _ "github.com/rhysd/actionlint/cmd/actionlint"
