"""Step 5: the files that will be written, the key ones highlighted, and what `check` finds.

Rendering takes a few hundred milliseconds the first time, so it runs in a worker thread when
this step is shown (and again only when the spec changed); the same worker runs
`protean-init check`'s config rules on the domain.toml it rendered, so Review shows exactly
the findings the command will report once the project is written (drift aside: it compares
files on disk, and there are none yet).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, ClassVar

from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import LoadingIndicator, Static, Tree
from textual.widgets.tree import TreeNode

from scaffolder.errors import ScaffolderError
from scaffolder.spec.project import ProjectSpec
from scaffolder.ui.common.findings import config_findings, findings_content
from scaffolder.ui.common.outcome import WizardOutcome
from scaffolder.ui.common.widgets import KeyLine, NavBar, fit_path
from scaffolder.ui.wizard.screens.base import StepScreen
from scaffolder.ui.wizard.screens.step_bar import StepBar

if TYPE_CHECKING:
    from scaffolder.check import Finding
    from scaffolder.workspace_spec import WorkspaceSpec

LEXERS = {".toml": "toml", ".yml": "yaml", ".yaml": "yaml", ".py": "python", ".md": "markdown"}
CI_FILES = (".github/workflows/ci.yml", ".gitlab-ci.yml")
# The deployment file a deploy choice is about (scaffolder.deployment): the Kubernetes
# Deployment when there is one, else the Dockerfile. One tab: five do not fit at 80 columns.
DEPLOY_KEY_FILES = ("deploy/kubernetes/base/deployment.yaml", "Dockerfile")
TAB_NAMES = {
    "docker-compose.yml": "compose",
    CI_FILES[0]: "CI",
    CI_FILES[1]: "CI",
    DEPLOY_KEY_FILES[0]: "Deployment",
    DEPLOY_KEY_FILES[1]: "Dockerfile",
}


class FileTree(Tree[str]):
    """The files to be written; Enter or Space opens and closes folders, and never writes:
    writing is Review's own Write action (ctrl+s, w, or the Write button)."""


def key_files(files: dict[str, bytes]) -> list[str]:
    # A workspace has a domain.toml per context: the first context's is the key one.
    configs = [p for p in files if p.startswith("src/") and p.endswith("/domain.toml")][:1]
    config = "domain.toml" if "domain.toml" in files else next(iter(configs), "domain.toml")
    wanted = [config, "docker-compose.yml", *CI_FILES]
    deploy = [path for path in DEPLOY_KEY_FILES if path in files][:1]
    return [path for path in wanted if path in files] + deploy


class ReviewScreen(StepScreen):
    # Only this step's rules, parsed when it is first shown: not at start-up.
    DEFAULT_CSS = """
        #findings-box {
            height: auto;
            max-height: 6;
            padding: 0 1;
            margin-bottom: 1;
            scrollbar-size-vertical: 1;
        }
        #findings {
            color: $text-success;
        }
        #findings-box.-warning {
            background: $warning 10%;
            border-left: thick $warning;
        }
        #findings-box.-error {
            background: $error 10%;
            border-left: thick $error;
        }
        #review-panes {
            height: 1fr;
        }
        #files {
            overflow-x: hidden;
            width: 40%;
            min-width: 32;
            max-width: 44;
            height: 1fr;
            border: round $border-blurred;
            padding: 0;
        }
        #files:focus {
            border: round $border;
        }
        #preview-pane {
            width: 1fr;
            height: 1fr;
        }
        #preview-tabs {
            height: 1;
            padding: 0 1;
        }
        #preview {
            height: 1fr;
            border: round $border-blurred;
        }
        #preview:focus {
            border: round $border;
        }
        #preview-body {
            width: 1fr;
        }
        #rendering {
            height: 1fr;
        }
    """
    step = 4
    next_label = "Write ^s"
    AUTO_FOCUS = "#files"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s,w", "generate", "Write", key_display="^s"),
        Binding("1", "show_key_file(0)", "domain.toml", show=False),
        Binding("2", "show_key_file(1)", "compose", show=False),
        Binding("3", "show_key_file(2)", "CI", show=False),
        Binding("4", "show_key_file(3)", "Deploy", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, bytes] = {}
        self.rendered_for: ProjectSpec | WorkspaceSpec | None = None
        self.spec: ProjectSpec | None = None
        # A workspace's, when the user named contexts (then `spec` is its project's choices).
        self.workspace: WorkspaceSpec | None = None
        self.shown: str | None = None
        self.findings: list[Finding] = []

    def compose(self) -> ComposeResult:
        yield StepBar(self.step, id="steps")
        with Vertical(id="body"):
            with VerticalScroll(id="findings-box", can_focus=False):
                yield Static(id="findings")
            with Horizontal(id="review-panes"):
                files = FileTree("files", id="files")
                files.guide_depth = 2
                yield files
                with Vertical(id="preview-pane"):
                    yield Static(id="preview-tabs")
                    with VerticalScroll(id="preview"):
                        yield Static(id="preview-body")
                    yield LoadingIndicator(id="rendering")
        yield NavBar(back=True, next_label=self.next_label, id="nav")
        yield KeyLine()

    # --- rendering ----------------------------------------------------------------------

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme) -> None:
        if self.shown in self.files:
            self.show_file(self.shown)

    def on_screen_resume(self) -> None:
        try:
            outcome = self.draft.outcome()
        except ScaffolderError as error:  # goto_step keeps an invalid spec out; just in case
            self.spec = self.workspace = None
            self.set_status(str(error), error=True)
            return
        self.spec, self.workspace = outcome.spec, outcome.workspace
        self.say_target("ctrl+s writes the project to ")
        if self.chosen == self.rendered_for:
            self.show_findings(self.findings)
        else:
            self.show_findings(None)
            self.query_one("#rendering").display = True
            self.query_one("#preview").display = False
            self.render_files(self.chosen)

    @property
    def chosen(self) -> ProjectSpec | WorkspaceSpec | None:
        """What the files are rendered from: the workspace, else the project's spec."""
        return self.workspace or self.spec

    @work(thread=True, exclusive=True, group="render")
    def render_files(self, spec: ProjectSpec | WorkspaceSpec) -> None:
        try:
            if isinstance(spec, ProjectSpec):
                # deferred: scaffolder.render ~49 ms (CPU after this module's own imports), paid
                # only when this runs
                from scaffolder.render import render_project

                files = render_project(spec)
            else:
                # deferred: scaffolder.workspace_render ~47 ms (CPU after this module's own
                # imports), paid only when this runs
                from scaffolder.workspace_render import render_workspace

                files = render_workspace(spec)
            findings = config_findings(files)
        except Exception as error:  # shown, not raised: the user's choices stay on screen
            self.app.call_from_thread(self.render_failed, spec, f"{type(error).__name__}: {error}")
            return
        self.app.call_from_thread(self.rendered, spec, files, findings)

    def render_failed(self, spec: ProjectSpec | WorkspaceSpec, message: str) -> None:
        if spec != self.chosen:
            return
        self.query_one("#rendering").display = False
        self.query_one("#preview").display = True
        self.query_one("#preview-body", Static).update(Text(f"Could not preview: {message}"))
        self.query_one("#findings", Static).update("")
        self.set_status(f"the preview failed: {message}", error=True)

    def rendered(
        self, spec: ProjectSpec | WorkspaceSpec, files: dict[str, bytes], findings: list[Finding]
    ) -> None:
        if spec != self.chosen:
            return  # the user moved on and changed something; a newer render is coming
        self.files = files
        self.findings = findings
        self.rendered_for = spec
        self.show_findings(findings)
        self.query_one("#rendering").display = False
        self.query_one("#preview").display = True
        self.fill_tree()
        keys = key_files(files)
        self.show_file(self.shown if self.shown in files else keys[0])
        self.say_target(f"ctrl+s writes {len(files)} files to ")

    def say_target(self, before: str) -> None:
        """`before` and the folder, on the one status line: the path shortened to fit."""
        width = self.query_one("#nav-status").size.width
        room = width - len(before) - 1 if width else 1_000  # no layout yet: the CSS cuts
        self.set_status(f"{before}{fit_path(self.draft.target, room)}/")

    def fill_tree(self) -> None:
        tree = self.query_one("#files", FileTree)
        tree.clear()
        tree.root.set_label(Text(f"{self.draft.target.name or self.draft.target}/", style="bold"))
        folders: dict[PurePosixPath, TreeNode[str]] = {PurePosixPath("."): tree.root}

        # Folders first, then files, as a file manager lists them.
        def order(path: str) -> list[tuple[int, str]]:
            parts = PurePosixPath(path).parts
            return [(0, part) for part in parts[:-1]] + [(1, parts[-1])]

        for path in sorted(self.files, key=order):
            pure = PurePosixPath(path)
            parent = PurePosixPath(".")
            for part in pure.parts[:-1]:
                folder = parent / part
                if folder not in folders:
                    folders[folder] = folders[parent].add(f"{part}/")
                parent = folder
            folders[parent].add_leaf(pure.name, data=path)
        # Folders start closed, so the top level (domain.toml among it) fits the pane at
        # 80x24 and the tree opens at its top; show_file opens the shown file's folders.
        tree.root.expand()

    def node_for(self, path: str) -> TreeNode[str] | None:
        tree = self.query_one("#files", FileTree)

        def walk(node: TreeNode[str]) -> TreeNode[str] | None:
            if node.data == path:
                return node
            for child in node.children:
                found = walk(child)
                if found:
                    return found
            return None

        return walk(tree.root)

    # --- showing ------------------------------------------------------------------------

    def show_findings(self, findings: list[Finding] | None) -> None:
        """What `protean-init check` finds in domain.toml; None while it is being rendered."""
        box = self.query_one("#findings", Static)
        severities = {finding.severity for finding in findings or ()}
        frame = self.query_one("#findings-box")
        frame.set_class("error" in severities, "-error")
        frame.set_class(bool(severities) and "error" not in severities, "-warning")
        contexts = self.contexts_line()
        if findings is None:
            box.update(Text(contexts + "Checking domain.toml …", style="dim"))
        elif findings:
            content = findings_content(findings, fixes=False)
            box.update(Content(contexts) + content if contexts else content)
        else:
            box.update(Text(contexts + "✓ protean-init check: no findings in domain.toml"))

    def contexts_line(self) -> str:
        """A workspace's contexts, each with whose choices it has: the line over findings."""
        if self.workspace is None:
            return ""
        draft = self.draft
        names = [
            f"{name} (same as {draft.same_as[name]})" if name in draft.same_as else name
            for name in self.workspace.names
        ]
        return f"Workspace of {len(names)} contexts: {', '.join(names)}\n"

    def syntax_theme(self) -> str:
        return "monokai" if self.app.current_theme.dark else "default"

    def show_file(self, path: str) -> None:
        self.shown = path
        content = self.files[path].decode("utf-8", errors="replace")
        lexer = LEXERS.get(PurePosixPath(path).suffix, "text")
        if PurePosixPath(path).name in (".gitignore", ".env.example"):
            lexer = "bash"
        background = self.app.get_css_variables().get("surface", "default")
        self.query_one("#preview-body", Static).update(
            Syntax(
                content,
                lexer,
                theme=self.syntax_theme(),
                line_numbers=True,
                word_wrap=True,
                background_color=background,
            )
        )
        self.query_one("#preview", VerticalScroll).scroll_home(animate=False)
        tabs = []
        for index, key in enumerate(key_files(self.files)):
            # Short names: all four fit beside the tree at 80 columns.
            label = f"{index + 1} {TAB_NAMES.get(key, PurePosixPath(key).name)}"
            style = "reverse" if key == path else "underline"
            tabs.append(f"[@click=screen.show_key_file({index})][{style}]{label}[/][/]")
        if path not in key_files(self.files):
            tabs.append(f"[reverse]{path}[/]")
        self.query_one("#preview-tabs", Static).update("  ".join(tabs))
        node = self.node_for(path)
        tree = self.query_one("#files", FileTree)
        folder = node.parent if node is not None else None
        while folder is not None:
            folder.expand()
            folder = folder.parent
        if node is not None and tree.cursor_node is not node:
            # A freshly filled tree has no line numbers until it is laid out.
            tree.call_after_refresh(tree.move_cursor, node)

    @on(Tree.NodeHighlighted, "#files")
    def handle_highlighted(self, event: Tree.NodeHighlighted) -> None:
        # Opening the shown file's folders shifts the lines below them: the node then on the
        # cursor's old line is highlighted before the cursor moves to the file. A highlight of
        # a node the cursor has left since is that, not the user's choice.
        if event.node is not event.control.cursor_node:
            return
        path = event.node.data
        if path and path in self.files and path != self.shown:
            self.show_file(path)

    def action_show_key_file(self, index: int) -> None:
        keys = key_files(self.files)
        if index < len(keys):
            self.show_file(keys[index])

    # --- generating ---------------------------------------------------------------------

    def action_generate(self) -> None:
        if self.wizard.writing or self.spec is None:
            return
        outcome = WizardOutcome(self.spec, self.draft.target, self.workspace)
        if self.wizard.write is None:
            self.wizard.finish(outcome, None)
            return
        self.wizard.writing = True
        self.set_status(f"Writing {outcome.target}/ …")
        self.write_project(outcome)

    @work(thread=True, exclusive=True, group="write")
    def write_project(self, outcome: WizardOutcome) -> None:
        try:
            written = self.wizard.write(outcome)  # type: ignore[misc]
        except ScaffolderError as error:
            self.app.call_from_thread(self.write_failed, str(error))
            return
        self.app.call_from_thread(self.wizard.finish, outcome, list(written))

    def write_failed(self, message: str) -> None:
        self.wizard.writing = False
        self.set_status(f"nothing written: {message}", error=True)

    def go_next(self) -> None:  # the NavBar's primary button
        self.action_generate()
