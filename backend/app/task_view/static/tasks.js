"use strict";
// The live task view: lists the backend's tasks and follows one (streamed text, thinking steps, result) by polling the
// REST API with the token the user signed in with. Text only, never HTML, from task data.
const $ = (id) => document.getElementById(id);
const FINAL = ["COMPLETED", "FAILED", "CANCELLED"];
let selectedTask = null;

function token() { return sessionStorage.getItem("wegent-dev-token"); }

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}), authorization: "Bearer " + token() };
  const response = await fetch(path, { ...options, headers });
  const text = await response.text();
  const body = text ? JSON.parse(text) : null;
  if (response.status === 401) { showSignIn("Signed out: the backend refused the token."); throw new Error("unauthorized"); }
  if (!response.ok) throw new Error((body && body.detail) || response.statusText);
  return body;
}

function showSignIn(message) {
  sessionStorage.removeItem("wegent-dev-token");
  $("view").hidden = true;
  $("sign-in").hidden = false;
  $("sign-in-error").textContent = message || "";
}

function showView() {
  $("sign-in").hidden = true;
  $("view").hidden = false;
}

$("sign-in").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("sign-in-error").textContent = "";
  let value = $("token").value.trim();
  if (!value) {
    const response = await fetch("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user_name: $("user").value, password: $("password").value }),
    });
    if (!response.ok) { $("sign-in-error").textContent = "Wrong user name or password."; return; }
    value = (await response.json()).access_token;
  }
  sessionStorage.setItem("wegent-dev-token", value);
  showView();
  refreshTasks().catch(() => {});
});

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text ?? "";
  if (className) td.className = className;
}

async function refreshTasks() {
  if (!token()) return;
  const tasks = await api("/api/tasks");
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
  history.replaceState(null, "", "#task=" + taskId);
  $("task-view").hidden = false;
  $("task-id").textContent = taskId;
  refreshTask().catch(() => {});
}

function thinkingStep(step) {
  // A title, then one line per detail (tool input, output, error flag).
  const item = document.createElement("li");
  const title = document.createElement("strong");
  title.textContent = step.title;
  const details = document.createElement("dl");
  for (const [key, value] of Object.entries(step.details || {})) {
    const name = document.createElement("dt");
    name.textContent = key;
    const text = document.createElement("dd");
    text.textContent = typeof value === "string" ? value : JSON.stringify(value);
    if (key === "is_error" && value === true) text.className = "status-FAILED";
    details.append(name, text);
  }
  item.append(title, details);
  return item;
}

// The steps of a result in either generation: January's `thinking` list, or the Responses-API result's `blocks`
// (thinking runs and tool calls; text blocks are the answer itself).
function steps(result) {
  if (result.thinking) return result.thinking;
  return (result.blocks || []).flatMap((block) => {
    if (block.type === "thinking") return [{ title: "Thinking", details: { text: block.content } }];
    if (block.type !== "tool") return [];
    const details = { input: block.tool_input, output: block.tool_output, status: block.status };
    if (block.error) details.error = block.error;
    return [{ title: block.display_name || block.tool_name, details }];
  });
}

async function refreshTask() {
  if (selectedTask === null || !token()) return;
  const task = await api(`/api/tasks/${selectedTask}?events=false`);
  const subtask = task.subtasks[task.subtasks.length - 1];
  if (!subtask) return;
  const finished = FINAL.includes(subtask.status);
  $("task-status").textContent = subtask.status;
  $("task-status").className = "status-" + subtask.status;
  $("task-cancel").hidden = finished;
  $("task-progress").value = subtask.progress || 0;
  $("task-text").textContent = subtask.streamed_text || "";
  const result = subtask.result || {};
  $("task-thinking").replaceChildren(...steps(result).map(thinkingStep));
  const error = subtask.error_message ? `\n\nError: ${subtask.error_message}` : "";
  $("task-result").textContent = finished ? (result.value ?? "") + error : "";
}

$("task-cancel").onclick = () => selectedTask !== null && api(`/api/tasks/${selectedTask}/cancel`, { method: "POST" }).catch(() => {});

function every(ms, action) {
  const run = () => action().catch(() => {}).finally(() => setTimeout(run, ms));
  run();
}

const fromLink = /^#task=(\d+)$/.exec(location.hash);
if (token()) showView(); else showSignIn();
if (fromLink) selectTask(Number(fromLink[1]));
every(2000, refreshTasks);
every(500, refreshTask);
