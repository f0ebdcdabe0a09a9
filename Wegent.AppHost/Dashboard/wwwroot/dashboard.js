"use strict";
// The AppHost dashboard: polls resources, devices and the selected task; streams console logs (SSE).
const $ = (id) => document.getElementById(id);
let logSource = null;
let selectedTask = null;

async function api(path, options) {
  const response = await fetch(path, options);
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error((body && body.detail) || response.statusText);
  return body;
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text ?? "";
  if (className) td.className = className;
  return td;
}

async function refreshResources() {
  const resources = await api("/api/resources");
  const body = $("resources").tBodies[0];
  body.replaceChildren();
  for (const r of resources) {
    const row = body.insertRow();
    row.dataset.resource = r.name;
    cell(row, r.name);
    cell(row, r.state, "state state-" + r.state);
    cell(row, r.processId);
    cell(row, r.endpoints.join(" "));
    cell(row, r.restarts, "restarts");
    cell(row, r.message);
    const actions = row.insertCell();
    for (const command of ["start", "stop", "restart"]) {
      const button = document.createElement("button");
      button.textContent = command;
      button.dataset.command = command;
      button.onclick = () => api(`/api/resources/${r.name}/${command}`, { method: "POST" }).then(refreshResources);
      actions.append(button);
    }
  }
  const select = $("log-resource");
  if (select.options.length === 0) {
    for (const r of resources) select.add(new Option(r.name, r.name));
    select.onchange = () => followLogs(select.value);
    followLogs(select.value);
  }
}

function followLogs(name) {
  if (logSource) logSource.close();
  $("logs").replaceChildren();
  logSource = new EventSource(`/api/resources/${encodeURIComponent(name)}/logs`);
  logSource.addEventListener("line", (event) => {
    const line = JSON.parse(event.data);
    const span = document.createElement("span");
    span.className = "level-" + line.level;
    span.textContent = line.text + "\n";
    span.hidden = !matchesFilter(line.text);
    const logs = $("logs");
    const atBottom = logs.scrollTop + logs.clientHeight >= logs.scrollHeight - 4;
    logs.append(span);
    if (logs.childElementCount > 5000) logs.firstElementChild.remove();
    if (atBottom) logs.scrollTop = logs.scrollHeight;
  });
}

function matchesFilter(text) {
  const filter = $("log-filter").value.toLowerCase();
  return !filter || text.toLowerCase().includes(filter);
}

async function refreshDevices() {
  const body = $("devices").tBodies[0];
  try {
    const devices = await api("/api/backend/devices");
    body.replaceChildren();
    for (const d of devices) {
      const row = body.insertRow();
      cell(row, d.device_id);
      cell(row, d.connected ? "connected" : d.status, "device-status");
      cell(row, d.executor_version);
      cell(row, (d.running_task_ids || []).join(", "));
    }
  } catch (error) {
    body.replaceChildren();
    cell(body.insertRow(), error.message, "error");
  }
}

async function refreshTasks() {
  let tasks;
  try { tasks = await api("/api/backend/tasks"); } catch { return; }
  const body = $("tasks").tBodies[0];
  body.replaceChildren();
  for (const t of tasks.slice().reverse()) {
    const row = body.insertRow();
    row.dataset.taskId = t.task_id;
    if (t.task_id === selectedTask) row.className = "selected";
    cell(row, t.task_id);
    cell(row, t.title);
    cell(row, t.status, "status-" + t.status);
    row.onclick = () => selectTask(t.task_id);
  }
}

function selectTask(taskId) {
  selectedTask = taskId;
  $("task-view").hidden = false;
  $("task-id").textContent = taskId;
  refreshTask();
}

async function refreshTask() {
  if (selectedTask === null) return;
  const task = await api(`/api/backend/tasks/${selectedTask}`);
  const subtask = task.subtasks[task.subtasks.length - 1];
  if (!subtask) return;
  const finished = ["COMPLETED", "FAILED", "CANCELLED"].includes(subtask.status);
  $("task-status").textContent = subtask.status;
  $("task-status").className = "status-" + subtask.status;
  $("task-cancel").hidden = finished;
  $("task-progress").value = subtask.progress || 0;
  $("task-text").textContent = subtask.streamed_text || "";
  const result = subtask.result || {};
  const thinking = $("task-thinking");
  thinking.replaceChildren();
  for (const step of result.thinking || []) {
    // A title, then one line per detail (tool input, output, error flag); text only, never HTML.
    const item = document.createElement("li");
    const title = document.createElement("strong");
    title.textContent = step.title;
    item.append(title);
    const details = document.createElement("dl");
    for (const [key, value] of Object.entries(step.details || {})) {
      const name = document.createElement("dt");
      name.textContent = key;
      const text = document.createElement("dd");
      text.textContent = typeof value === "string" ? value : JSON.stringify(value);
      if (key === "is_error" && value === true) text.className = "status-FAILED";
      details.append(name, text);
    }
    item.append(details);
    thinking.append(item);
  }
  const error = subtask.error_message ? `\n\nError: ${subtask.error_message}` : "";
  $("task-result").textContent = finished ? (result.value ?? "") + error : "";
}

$("dispatch").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("dispatch-error").textContent = "";
  try {
    const created = await api("/api/backend/tasks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: $("prompt").value, scenario: $("scenario").value || undefined }),
    });
    selectTask(created.task_id);
    refreshTasks();
  } catch (error) {
    $("dispatch-error").textContent = error.message;
  }
});
$("task-cancel").onclick = () => selectedTask !== null && api(`/api/backend/tasks/${selectedTask}/cancel`, { method: "POST" });
$("log-filter").addEventListener("input", () => {
  for (const span of $("logs").children) span.hidden = !matchesFilter(span.textContent);
});

function every(ms, action) {
  const run = () => action().catch(() => {}).finally(() => setTimeout(run, ms));
  run();
}
every(1000, refreshResources);
every(2000, refreshDevices);
every(2000, refreshTasks);
every(500, refreshTask);
