"""`diff`: what changed between two deck packages (or two git refs), as Markdown release notes.

package.py reads an .apkg, compare.py matches notes by GUID, grouping.py sorts the changes as a
learner sees them (corrected, rewritten, moved, restyled) and suggests the version bump,
visible.py and words.py give the visible text and its word-level diff, report.py writes the
Markdown, refs.py builds a git ref of this repo into a package, cli.py wires them up.
"""
