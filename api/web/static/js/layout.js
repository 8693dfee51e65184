// The top bar every signed-in page shares: navigation, the user's name, logout.
import { logout, requireLogin, showError } from "./api.js";

const LINKS = [
  ["/ui/", "Bản ghi âm"],
  ["/ui/search", "Tìm lời nói"],
  ["/ui/upload", "Tải lên"],
  ["/ui/voiceprints", "Giọng nói"],
  ["/ui/dictation", "Đọc chính tả"],
  ["/ui/voice-login", "Đăng nhập bằng giọng"],
];

/** Signs in (or redirects to the login page), draws the top bar and returns the user (/auth/me). */
export async function initPage() {
  const me = await requireLogin();
  const bar = document.querySelector("header.topbar");
  if (bar) {
    const nav = document.createElement("nav");
    nav.setAttribute("aria-label", "Điều hướng chính");
    nav.innerHTML = `<a class="brand" href="/ui/">gobang · Gỡ băng</a>`;
    for (const [href, label] of LINKS) {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = label;
      if (location.pathname === href) a.setAttribute("aria-current", "page");
      nav.append(a);
    }
    const user = document.createElement("div");
    user.className = "user";
    const who = document.createElement("span");
    who.textContent = me.user?.display_name || me.name;
    const out = document.createElement("button");
    out.type = "button";
    out.textContent = "Đăng xuất";
    out.addEventListener("click", () => logout().catch(showError));
    user.append(who, out);
    bar.replaceChildren(nav, user);
  }
  return me;
}
