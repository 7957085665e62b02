"""The entity pages: change list (cursor pages, filters, search, actions), change and add
forms with optimistic locking, and delete with a confirmation page.

A stale save (the service raises PreconditionFailed) re-renders the form with the user's
input kept, the values now stored shown beside it, and the version moved on: saving again
is a deliberate overwrite, never a silent one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from domains.shared.admin import AdminCall, EntityAdmin, ListQuery, registry
from domains.shared.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from domains.shared.ids import new_id
from domains.shared.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageRequest
from domains.shared.tenancy import Principal
from nexus.admin.forms import VERSION_FIELD, entity_form, show_validation, values_of

TRAIL = "back"  # the change list's query parameter holding the cursors of earlier pages
MAX_TRAIL = 30

CONFLICT = (
    "Someone changed this item after you opened it, so nothing was saved. Your input is kept "
    "below; the values now stored are listed under it. Save again to replace them with yours."
)


def admin_call(request: HttpRequest) -> AdminCall:
    user: Any = request.user
    request_id = request.headers.get("X-Request-Id") or new_id()
    return AdminCall(Principal(str(user.pk), is_staff=bool(user.is_staff)), request_id)


def _entity(context: str, name: str) -> EntityAdmin:
    from nexus.admin.site import enabled_entities

    entity = registry.get(context, name)
    if entity is None or entity not in enabled_entities():
        raise Http404("no such entity")
    return entity


def _page_context(request: HttpRequest, entity: EntityAdmin, title: str) -> dict[str, Any]:
    from nexus.admin.site import site

    return {
        **site.each_context(request),
        "title": title,
        "subtitle": None,
        "entity": entity,
        "context_label": entity.context.capitalize(),
        "changelist_url": reverse("admin:entity_changelist", args=[entity.context, entity.name]),
        "context_url": reverse("admin:context", args=[entity.context]),
    }


def display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, set | frozenset | list | tuple):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


def _cell(entity: EntityAdmin, item: Any, name: str) -> str:
    """The attribute as text, a link where the entity links that column to another page."""
    text = display(getattr(item, name, None))
    link = next((li for li in entity.links if li.column == name), None)
    if link is None:
        return text
    if link.filters is not None:
        listed = reverse("admin:entity_changelist", args=[link.context, link.entity])
        url = f"{listed}?{urlencode(link.filters(item))}"
    else:
        url = reverse("admin:entity_change", args=[link.context, link.entity, link.key(item)])
    return format_html('<a href="{}" class="related-link">{}</a>', url, text)


def _fetch(entity: EntityAdmin, call: AdminCall, key: str) -> Any:
    if entity.get is None:
        raise Http404("this entity has no detail page")
    try:
        return entity.get(call, key)
    except NotFound as e:
        raise Http404(e.detail) from e
    except Forbidden as e:
        raise PermissionDenied(e.detail) from e


# -- the change list ---------------------------------------------------------------------------


def _query(request: HttpRequest, entity: EntityAdmin) -> ListQuery:
    try:
        limit = min(max(int(request.GET.get("limit", DEFAULT_PAGE_SIZE)), 1), MAX_PAGE_SIZE)
    except ValueError:
        limit = DEFAULT_PAGE_SIZE
    chosen = {f.name: request.GET.get(f.name, "").strip() for f in entity.list_filters}
    return ListQuery(
        page=PageRequest(limit, request.GET.get("cursor") or None),
        filters={k: v for k, v in chosen.items() if v},
        search=request.GET.get("q", "").strip(),
    )


def _link(request: HttpRequest, **changes: str | list[str] | None) -> str:
    """This page's query string with `changes` (None or [] drops a parameter)."""
    params = [(k, v) for k, values in request.GET.lists() if k not in changes for v in values]
    for name, value in changes.items():
        params += [(name, v) for v in value] if isinstance(value, list) else [(name, value or "")]
    kept = [(k, v) for k, v in params if v or k == TRAIL]
    return "?" + urlencode(kept) if kept else "?"


def _page_links(request: HttpRequest, query: ListQuery, next_cursor: str | None) -> dict[str, Any]:
    """First, previous and next page. A cursor only leads forward, so each link carries the
    trail of cursors that opened the earlier pages (`back`, "" for the first page, newest
    last). At most MAX_TRAIL are kept: the oldest page remembered has no previous link
    then, only the first-page one. Cursors stay signed: an edited trail fails like a cursor."""
    here = query.page.cursor
    trail = request.GET.getlist(TRAIL) if here else []
    previous = None
    if here and trail:
        previous = _link(request, cursor=trail[-1] or None, **{TRAIL: trail[:-1]})
    after = None
    if next_cursor:
        after = _link(request, cursor=next_cursor, **{TRAIL: [*trail, here or ""][-MAX_TRAIL:]})
    return {
        "first_url": _link(request, cursor=None, **{TRAIL: None}) if here else None,
        "previous_url": previous,
        "next_url": after,
    }


def changelist(request: HttpRequest, context: str, entity: str) -> HttpResponse:
    admin_entity = _entity(context, entity)
    call = admin_call(request)
    if request.method == "POST":
        return _run_action(request, admin_entity, call)
    query = _query(request, admin_entity)
    try:
        page = admin_entity.list(call, query)
        problem = None
    except NotFound:
        page, problem = None, "Nothing matches this search."
    except DomainError as e:
        page, problem = None, e.detail
    rows = []
    for item in page.items if page else []:
        key = admin_entity.key(item)
        url = None
        if admin_entity.get is not None:
            url = reverse("admin:entity_change", args=[context, entity, key])
        cells = [_cell(admin_entity, item, c) for c in admin_entity.columns]
        rows.append({"key": key, "url": url, "cells": cells})
    filters = [
        {"spec": f, "value": query.filters.get(f.name, ""), "links": _filter_links(request, f)}
        for f in admin_entity.list_filters
    ]
    ctx = {
        **_page_context(request, admin_entity, admin_entity.label),
        "rows": rows,
        "columns": [c.replace("_", " ") for c in admin_entity.columns],
        "filters": filters,
        "query": query,
        "problem": problem,
        **_page_links(request, query, page.next_cursor if page else None),
        "add_url": (
            reverse("admin:entity_add", args=[context, entity]) if admin_entity.can_add else None
        ),
    }
    return TemplateResponse(request, "nexus_admin/change_list.html", ctx)


def _filter_links(request: HttpRequest, spec: Any) -> list[dict[str, Any]]:
    current = request.GET.get(spec.name, "")
    restart = {"cursor": None, TRAIL: None}
    everything = _link(request, **{spec.name: None, **restart})
    links = [{"label": "All", "url": everything, "on": not current}]
    for value, label in spec.choices:
        url = _link(request, **{spec.name: value, **restart})
        links.append({"label": label, "url": url, "on": current == value})
    return links


def _run_action(request: HttpRequest, entity: EntityAdmin, call: AdminCall) -> HttpResponse:
    back = request.get_full_path()
    chosen = {a.name: a for a in entity.actions}.get(request.POST.get("action", ""))
    keys = request.POST.getlist("_selected")
    if chosen is None:
        messages.error(request, "Choose an action.")
    elif not keys:
        messages.warning(request, "Select at least one item to run an action on.")
    elif not chosen.bulk and len(keys) > 1:
        messages.error(request, f"“{chosen.label}” runs on one item at a time.")
    else:
        try:
            messages.success(request, chosen.run(call, keys))
        except DomainError as e:
            messages.error(request, f"{chosen.label}: {e.detail}")
    return HttpResponseRedirect(back)


# -- change, add, delete -----------------------------------------------------------------------


def _details(entity: EntityAdmin, item: Any) -> list[tuple[str, str]]:
    """Every attribute of the entity, for the read-only part of the page."""
    names = list(getattr(item, "__dataclass_fields__", {})) or list(entity.columns)
    hidden = ("password_hash", "secret_hash", "token_hash")
    shown = [n for n in names if n not in hidden]
    return [(n.replace("_", " "), _cell(entity, item, n)) for n in shown]


def change(request: HttpRequest, context: str, entity: str, key: str) -> HttpResponse:
    admin_entity = _entity(context, entity)
    call = admin_call(request)
    item = _fetch(admin_entity, call, key)
    version = int(getattr(item, "version", 0) or 0)
    form_class = entity_form(admin_entity, adding=False)
    form: forms.Form | None = None
    stored: list[tuple[str, str]] = []
    if admin_entity.save is not None and admin_entity.fields:
        initial = {**admin_entity.form_values(item), VERSION_FIELD: version}
        form = form_class(initial=initial)
        if request.method == "POST":
            form = form_class(request.POST, initial=initial)
            saved = _save(request, admin_entity, call, form, key)
            if saved is not None:
                return saved
            if any(CONFLICT in str(e) for e in form.non_field_errors()):
                item = _fetch(admin_entity, call, key)  # the values now stored
                stored = _details(admin_entity, item)
                form = _with_version(form_class, request, int(getattr(item, "version", 0) or 0))
                form.add_error(None, CONFLICT)
    ctx = {
        **_page_context(request, admin_entity, f"{admin_entity.label}: {key}"),
        "form": form,
        "key": key,
        "details": _details(admin_entity, item),
        "stored": stored,
        "delete_url": (
            reverse("admin:entity_delete", args=[context, entity, key])
            if admin_entity.delete is not None
            else None
        ),
        "actions": admin_entity.actions,
        "adding": False,
    }
    return TemplateResponse(request, "nexus_admin/change_form.html", ctx)


def _with_version(form_class: type[forms.Form], request: HttpRequest, version: int) -> forms.Form:
    """The user's input again, now over the stored version (a second save overwrites)."""
    data = request.POST.copy()
    data[VERSION_FIELD] = str(version)
    form = form_class(data)
    form.is_valid()
    return form


def _save(
    request: HttpRequest, entity: EntityAdmin, call: AdminCall, form: forms.Form, key: str | None
) -> HttpResponse | None:
    """Save a valid form through the entity's service; None when the form must show again."""
    if entity.save is None or not form.is_valid():
        return None
    try:
        saved = entity.save(call, key, values_of(form), form.cleaned_data[VERSION_FIELD])
    except ValidationFailed as e:
        show_validation(form, e)
        return None
    except PreconditionFailed:
        form.add_error(None, CONFLICT)
        return None
    except (Conflict, Forbidden, NotFound) as e:
        form.add_error(None, e.detail)
        return None
    messages.success(request, f"Saved {entity.label.lower()} “{entity.key(saved)}”.")
    if "_continue" in request.POST:
        url = reverse("admin:entity_change", args=[entity.context, entity.name, entity.key(saved)])
        return HttpResponseRedirect(url)
    url = reverse("admin:entity_changelist", args=[entity.context, entity.name])
    return HttpResponseRedirect(url)


def add(request: HttpRequest, context: str, entity: str) -> HttpResponse:
    admin_entity = _entity(context, entity)
    if not admin_entity.can_add:
        raise Http404("this entity is not added in the admin")
    form_class = entity_form(admin_entity, adding=True)
    form = form_class(initial={VERSION_FIELD: 0})
    if request.method == "POST":
        form = form_class(request.POST)
        saved = _save(request, admin_entity, admin_call(request), form, None)
        if saved is not None:
            return saved
    ctx = {
        **_page_context(request, admin_entity, f"Add to {admin_entity.label.lower()}"),
        "form": form,
        "details": [],
        "stored": [],
        "adding": True,
    }
    return TemplateResponse(request, "nexus_admin/change_form.html", ctx)


def delete(request: HttpRequest, context: str, entity: str, key: str) -> HttpResponse:
    admin_entity = _entity(context, entity)
    if admin_entity.delete is None:
        raise Http404("this entity is not deleted in the admin")
    call = admin_call(request)
    item = _fetch(admin_entity, call, key)
    problem = None
    if request.method == "POST":
        version = int(request.POST.get(VERSION_FIELD, "-1") or -1)
        try:
            admin_entity.delete(call, key, version)
        except PreconditionFailed:
            problem = "It changed since you opened this page; check it and confirm again."
            item = _fetch(admin_entity, call, key)
        except DomainError as e:
            problem = e.detail
        else:
            messages.success(request, f"Deleted {admin_entity.label.lower()} “{key}”.")
            url = reverse("admin:entity_changelist", args=[context, entity])
            return HttpResponseRedirect(url)
    ctx = {
        **_page_context(request, admin_entity, "Are you sure?"),
        "key": key,
        "details": _details(admin_entity, item),
        "version": int(getattr(item, "version", 0) or 0),
        "problem": problem,
        "change_url": reverse("admin:entity_change", args=[context, entity, key]),
    }
    return TemplateResponse(request, "nexus_admin/delete_confirmation.html", ctx)
