// Password login: POST /auth/login sets the session and CSRF cookies, then back to the page asked for.
import { api, nextPage } from "./api.js";

const form = document.getElementById("login");
const error = document.getElementById("login-error");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.textContent = "";
  const data = new FormData(form);
  try {
    await api("/auth/login", { method: "POST", json: { username: data.get("username"), password: data.get("password") } });
    location.assign(nextPage());
  } catch (err) {
    error.textContent = err.status === 401 ? "Sai tên đăng nhập hoặc mật khẩu." : err.message;
  }
});
