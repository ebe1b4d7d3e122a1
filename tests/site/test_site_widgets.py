"""The sliders work live: a widget round trip through a real kernel, as JupyterLab does it.

A kernel is started; it builds an explorer and displays it. The test then plays the
front end: it reads the widget models the kernel opened (over the Jupyter widget
comm protocol), sends a new value for a slider the way JupyterLab does when a reader
drags it, and waits for the kernel to push a new PNG into the figure's Image model.
The figure must change. It also checks that JupyterLab has the ipywidgets front end
(`make lab` shows live sliders). Needs no built site or browser; runs with `make test`.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import time

import pytest
from jupyter_client.manager import KernelManager

from unsup.interactive import Choice, all_explorers

EXPLORERS = [e.name for e in all_explorers()]
CONTROL_MODELS = {"FloatSliderModel", "IntSliderModel", "ToggleButtonsModel"}
TIMEOUT = 180  # generous: an explorer may train its cached model on first display


@pytest.fixture(scope="module")
def kernel():
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(env={**os.environ, "MPLBACKEND": "Agg"})
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=TIMEOUT)
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run(client, code: str) -> list[dict]:
    """Execute code; every iopub message it produced, until the kernel is idle."""
    msg_id = client.execute(code)
    messages = []
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        msg = client.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "error":
            pytest.fail("kernel error: " + "\n".join(msg["content"]["traceback"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages
    pytest.fail(f"the kernel did not finish: {code}")


def opened_models(messages: list[dict]) -> dict[str, dict]:
    """comm id -> {"name", "state", "buffers"} of every widget model the kernel opened."""
    models = {}
    for msg in messages:
        if msg["msg_type"] == "comm_open" and msg["content"]["target_name"] == "jupyter.widget":
            data = msg["content"]["data"]
            models[msg["content"]["comm_id"]] = {
                "name": data["state"]["_model_name"], "state": data["state"],
                "paths": data.get("buffer_paths", []), "buffers": msg["buffers"],
            }
    return models


def image_bytes(model: dict) -> bytes:
    return bytes(model["buffers"][model["paths"].index(["value"])])


def new_value(model: dict):
    """A value the reader could pick that differs from the current one."""
    state = model["state"]
    if model["name"] == "ToggleButtonsModel":
        return {"index": (state["index"] + 1) % len(state["_options_labels"])}
    nearer_low = state["value"] - state["min"] < state["max"] - state["value"]
    return {"value": state["max"] if nearer_low else state["min"]}


def wait_for_image_update(client, image_id: str) -> bytes:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            msg = client.get_iopub_msg(timeout=max(deadline - time.monotonic(), 0.1))
        except queue.Empty:
            break
        content = msg["content"]
        if (msg["msg_type"] == "comm_msg" and content["comm_id"] == image_id
                and content["data"].get("method") == "update"
                and ["value"] in content["data"].get("buffer_paths", [])):
            index = content["data"]["buffer_paths"].index(["value"])
            return bytes(msg["buffers"][index])
    pytest.fail(f"the figure did not update within {TIMEOUT} s after the control moved (an "
                "exception in the widget callback goes to the kernel's log, not to the page)")


@pytest.mark.parametrize("name", EXPLORERS)
def test_moving_a_control_redraws_the_figure(kernel, name):
    messages = run(kernel, f"from unsup.interactive import explore\n"
                           f"display(explore({json.dumps(name)}))")
    models = opened_models(messages)
    images = [cid for cid, m in models.items() if m["name"] == "ImageModel"]
    controls = [cid for cid, m in models.items() if m["name"] in CONTROL_MODELS]
    assert len(images) == 1 and controls, f"{name}: unexpected widgets {models}"
    before = image_bytes(models[images[0]])
    assert before.startswith(b"\x89PNG")
    displayed = [m for m in messages if m["msg_type"] == "display_data"]
    assert displayed, f"{name}: nothing displayed"
    assert "application/vnd.jupyter.widget-view+json" in displayed[0]["content"]["data"]

    control = models[controls[0]]
    change = new_value(control)
    # What JupyterLab's widget manager sends when the reader moves the control.
    kernel.shell_channel.send(kernel.session.msg("comm_msg", {
        "comm_id": controls[0],
        "data": {"method": "update", "state": change, "buffer_paths": []},
    }))
    after = wait_for_image_update(kernel, images[0])
    assert after.startswith(b"\x89PNG")
    assert after != before, f"{name}: the figure is the same after {control['name']} -> {change}"


def test_every_explorer_has_a_control():
    for explorer in all_explorers():
        assert explorer.controls, explorer.name
        assert any(isinstance(c, Choice) or hasattr(c, "step") for c in explorer.controls.values())


def test_jupyterlab_has_the_widgets_front_end():
    listing = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"],
                             capture_output=True, text=True, timeout=120)
    text = listing.stdout + listing.stderr
    line = next((ln for ln in text.splitlines() if "@jupyter-widgets/jupyterlab-manager" in ln), "")
    assert "enabled" in line and "OK" in line, text
