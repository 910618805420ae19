"""`diff`: what changed between two deck packages (or two git refs), as Markdown release notes.

package.py reads an .apkg, compare.py matches notes by GUID, report.py writes Markdown,
refs.py builds a git ref of this repo into a package, cli.py wires them to the command line.
"""
