"""One transaction for every command that writes: a project lock, a journal, deferred signals.

A commit (`commit`) writes every new file to a temporary name beside its target (fsynced),
keeps a hard link to each old file, records all of it in a small journal (`journal`, fsynced),
and only then renames the temporaries into place. A run killed at any moment leaves a journal
that the next command on the project reads first: before the journal says "commit", nothing
was replaced and the temporaries are removed (all old); after, the renames are finished (all
new). SIGINT, SIGTERM and SIGHUP are held back while files are replaced (`signals`), so
"nothing was written" is only said when it is true. The lock (`lock`: `fcntl.flock` on
`.protean-init-lock` in the project root) serialises read-modify-write: commands take it
before they read the project. `new` builds a project in a staging folder (`staging`).

The project folder is untrusted input: every path written is checked to stay below it,
outside .git/, through real folders (`paths`), and a journal is acted on only when sealed
with this user's key for this folder (`seal`); see README, "What protean-init trusts".
"""
