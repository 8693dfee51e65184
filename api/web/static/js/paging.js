// A paged list behind a filter form with "previous" and "next" buttons (#prev, #next): the recordings, the search.
import { showError } from "./api.js";

/** Wires the form and buttons to `load()`, which reads the returned state's `offset`; a submit starts over. */
export function pager(form, size, load) {
  const state = { offset: 0 };
  const go = (offset) => {
    state.offset = Math.max(0, offset);
    load().catch(showError);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    go(0);
  });
  document.getElementById("prev").addEventListener("click", () => go(state.offset - size));
  document.getElementById("next").addEventListener("click", () => go(state.offset + size));
  return state;
}
