"""Where templates come from: one Jinja environment builder for posts and the site (the
user's folder first, file by file, the packaged defaults last), and the errors it raises."""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from digest.errors import TemplateError


def default_templates_dir() -> Path:
    """Packaged templates in a wheel; the repository's top-level templates/ in a checkout."""
    packaged = Path(str(resources.files("digest"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def searched(user_dir: Path | None) -> list[str]:
    """The folders a template name is looked up in, in order."""
    return [str(d) for d in (user_dir, default_templates_dir()) if d is not None]


class _Context(jinja2.runtime.Context):
    """Jinja's, calling builtins (`date.isoformat`) and the environment's `plain_calls` types
    straight away: Jinja's own call looks for a pass_context mark first (three failed
    hasattr() a call, a tenth of a site page's rendering), and these can have none."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if type(__obj) not in __self.environment.plain_calls:  # type: ignore[attr-defined]
            return super().call(__obj, *args, **kwargs)
        kwargs.pop("_loop_vars", None)
        kwargs.pop("_block_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # what Jinja's own makes of it
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class _Environment(jinja2.Environment):
    """Jinja's, with the keys of a dict (or a `keyed` type: `words.tldr`) found without first
    failing getattr() (an exception per `words.…` in a template: a tenth of a post's
    rendering), and `_Context`'s calls."""

    context_class = _Context

    def __init__(
        self, keyed: tuple[type, ...], plain_calls: tuple[type, ...], **options: Any
    ) -> None:
        super().__init__(**options)
        # Each keyed type with the names getattr() finds on it: those stay attributes.
        self.keyed = {kind: _attributes(kind) for kind in (dict, *keyed)}
        self.plain_calls = frozenset({types.BuiltinFunctionType, *plain_calls})

    def getattr(self, obj: Any, attribute: str) -> Any:
        names = self.keyed.get(type(obj))
        if names is not None and attribute not in names:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        # Jinja's own, inlined (called for every `a.b` a template evaluates).
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)


def _attributes(kind: type) -> frozenset[str]:
    """What getattr() finds on an instance of `kind`: its class's names, a dataclass's fields
    (a keyed type has no other instance attributes)."""
    fields = dataclasses.fields(kind) if dataclasses.is_dataclass(kind) else ()
    return frozenset(dir(kind)) | {field.name for field in fields}


@lru_cache(maxsize=16)
def environment(
    user_dir: Path | None,
    *,
    finalize: Callable[[Any], Any] | None = None,
    autoescape: bool | Callable[[str | None], bool] = False,
    filters: tuple[tuple[str, Callable[..., Any]], ...] = (),
    keep_trailing_newline: bool = False,
    auto_reload: bool = True,
    keyed: tuple[type, ...] = (),
    plain_calls: tuple[type, ...] = (),
) -> jinja2.Environment:
    """A strict environment over `searched(user_dir)`; cached per set of arguments.
    `auto_reload=False`: a changed file is noticed only by `drop_stale`, not at every load.
    `keyed`: mapping types whose keys a template reads as attributes, as a dict's (with no
    instance attributes but a dataclass's fields).
    `plain_calls`: callable types that never ask for the template's context."""
    paths = searched(user_dir)
    env = _Environment(
        keyed,
        plain_calls,
        loader=jinja2.FileSystemLoader(paths, encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        finalize=finalize,
        autoescape=autoescape,
        keep_trailing_newline=keep_trailing_newline,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=auto_reload,
        cache_size=-1,  # a dict, not an LRU with a lock: a post's includes hit it per paper
    )
    env.globals["searched_paths"] = paths
    env.filters.update(dict(filters))
    return env


def drop_stale(env: jinja2.Environment) -> None:
    """Forget every compiled template if one's file changed since it was read: once before a
    post, rather than at each of its includes (a stat per paper, and more)."""
    # A snapshot (taken without letting another thread run): backfill renders days in threads,
    # and another day's first post may be adding its templates to the cache meanwhile.
    if env.cache is not None and not all(t.is_up_to_date for t in list(env.cache.values())):
        env.cache.clear()


def _not_found(env: jinja2.Environment, name: str) -> TemplateError:
    where = ", ".join(env.globals["searched_paths"])
    return TemplateError(f"template '{name}' not found in: {where}")


def source(env: jinja2.Environment, name: str) -> str:
    """A file's text as the loader finds it (labels, assets, language files)."""
    try:
        assert env.loader
        return env.loader.get_source(env, name)[0]
    except jinja2.TemplateNotFound:
        raise _not_found(env, name) from None


def template(env: jinja2.Environment, name: str) -> jinja2.Template:
    """A compiled template; a missing or broken one is a TemplateError naming where."""
    try:
        return env.get_template(name)
    except jinja2.TemplateNotFound as exc:
        raise _not_found(env, exc.name if isinstance(exc.name, str) else name) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or name}:{exc.lineno}: {exc.message}") from None


def select(env: jinja2.Environment, names: list[str]) -> jinja2.Template:
    """The first of `names` that exists (in any searched folder)."""
    try:
        return env.select_template(names)
    except jinja2.TemplatesNotFound:
        raise _not_found(env, names[-1]) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(f"{exc.filename or names[-1]}:{exc.lineno}: {exc.message}") from None


def render(template: jinja2.Template, context: dict[str, Any]) -> str:
    try:
        return template.render(context)
    except jinja2.TemplateNotFound as exc:  # an include
        raise _not_found(template.environment, str(exc.name)) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template '{template.name}': {exc}") from None
