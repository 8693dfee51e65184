// Shared API client of the web UI: every page talks to the REST API through these functions.
//
//   api(path, {method, json, body, headers, ifMatch, ifNoneMatch, raw})  -> parsed JSON (null for 204 and 304;
//                                                          the Response with raw: true)
//   upload(path, formData, onProgress)                      -> parsed JSON, with upload progress events
//   requireLogin()                                          -> the /auth/me body, or a redirect to the login page
//   showError(err) / showInfo(text)                         -> a message in the page's toast (role=alert)
//
// Cookie sessions need the CSRF token echoed in X-CSRF-Token on every state-changing request; it is
// read from the `gobang_csrf` cookie here, so pages never deal with it. Errors are RFC 9457 problem
// documents; ApiError keeps the status and the problem, and its message is the Vietnamese `detail`.

export const CSRF_COOKIE = "gobang_csrf";

export class ApiError extends Error {
  constructor(status, problem) {
    super(vietnamese(problem?.detail) || messageFor(status));
    this.name = "ApiError";
    this.status = status;
    this.problem = problem || {};
    this.title = problem?.title || "";
  }
}

const STATUS_MESSAGES = {
  0: "Không kết nối được tới máy chủ. Kiểm tra mạng rồi thử lại.",
  401: "Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.",
  403: "Bạn không có quyền làm việc này.",
  404: "Không tìm thấy.",
  412: "Bản này đã được người khác lưu trong lúc bạn sửa.",
  413: "Tệp quá lớn.",
  422: "Dữ liệu chưa hợp lệ.",
  429: "Thao tác quá nhanh, vui lòng chờ một lát.",
  500: "Lỗi hệ thống; lỗi đã được ghi lại.",
};

export function messageFor(status) {
  return STATUS_MESSAGES[status] || `Lỗi ${status}.`;
}

/** The API writes "tiếng Việt (English)"; the UI shows the Vietnamese part only. */
export function vietnamese(detail) {
  if (!detail) return "";
  const text = String(detail);
  const cut = text.lastIndexOf(" (");
  return cut > 0 && text.endsWith(")") ? text.slice(0, cut) : text;
}

export function csrfToken() {
  for (const part of document.cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return "";
}

function withCsrf(method, headers) {
  if (!["GET", "HEAD", "OPTIONS"].includes(method)) {
    const token = csrfToken();
    if (token) headers["X-CSRF-Token"] = token;
  }
  return headers;
}

async function problemOf(response) {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

export async function api(path, { method = "GET", json, body, headers = {}, ifMatch, ifNoneMatch, raw = false, signal } = {}) {
  const h = withCsrf(method, { Accept: "application/json", ...headers });
  if (json !== undefined) {
    h["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  }
  if (ifMatch) h["If-Match"] = ifMatch;
  if (ifNoneMatch) h["If-None-Match"] = ifNoneMatch;
  let response;
  try {
    response = await fetch(path, { method, headers: h, body, credentials: "same-origin", signal });
  } catch (err) {
    if (err.name === "AbortError") throw err;
    throw new ApiError(0, null);
  }
  if (!response.ok && response.status !== 304) throw new ApiError(response.status, await problemOf(response));
  if (raw) return response;
  if (response.status === 204 || response.status === 304) return null;
  return response.json();
}

/** POST a multipart form with upload progress (fetch cannot report it); resolves to the JSON answer. */
export function upload(path, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Accept", "application/json");
    const token = csrfToken();
    if (token) xhr.setRequestHeader("X-CSRF-Token", token);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, null));
    xhr.onload = () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data));
    };
    xhr.send(formData);
  });
}

export function loginUrl() {
  const next = location.pathname + location.search;
  return `/ui/login?next=${encodeURIComponent(next)}`;
}

/** Where a login goes next: the page asked for in `?next=`, or the recordings list; never another site. */
export function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "/ui/";
  return next.startsWith("/ui/") ? next : "/ui/";
}

/** The signed-in user (GET /auth/me); without a session the browser goes to the login page. */
export async function requireLogin() {
  try {
    return await api("/auth/me");
  } catch (err) {
    if (err.status === 401) {
      location.assign(loginUrl());
      return new Promise(() => {}); // the page is leaving
    }
    throw err;
  }
}

export async function logout() {
  try {
    await api("/auth/logout", { method: "POST" });
  } finally {
    location.assign("/ui/login");
  }
}

function toast() {
  let box = document.getElementById("toast");
  if (!box) {
    box = document.createElement("div");
    box.id = "toast";
    box.className = "toast";
    box.setAttribute("role", "alert");
    box.hidden = true;
    document.body.append(box);
  }
  return box;
}

let toastTimer = 0;

function show(text, kind) {
  const box = toast();
  box.textContent = text;
  box.className = `toast ${kind}`;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), kind === "info" ? 4000 : 10000);
}

export function showError(err) {
  if (err?.status === 401) {
    location.assign(loginUrl());
    return;
  }
  show(err instanceof ApiError || err?.message ? err.message : String(err), "error");
  if (!(err instanceof ApiError)) console.error(err);
}

export function showInfo(text) {
  show(text, "info");
}
