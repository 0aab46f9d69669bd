// 登录页: 成功后进入工作台 (主管也先进入工作台, 顶栏可切到主管视图)
"use strict";

(() => {
  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");
  const showError = (text) => { error.textContent = text; error.hidden = false; };

  // 已登录则直接进入工作台
  C.api("GET", "/api/auth/me").then((me) => {
    C.setCsrf(me.csrf_token);
    location.replace("workbench.html");
  }).catch(() => {});

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const username = form.username.value.trim();
    const password = form.password.value;
    if (!username || !password) {
      showError("请输入用户名和密码");
      return;
    }
    const button = document.getElementById("login-submit");
    button.disabled = true;
    try {
      const out = await C.api("POST", "/api/auth/login", { username, password });
      C.setCsrf(out.csrf_token);
      location.replace(out.agent.role === "supervisor" ? "supervisor.html" : "workbench.html");
    } catch (err) {
      showError(C.errorText(err));
      form.password.value = "";
      form.password.focus();
    } finally {
      button.disabled = false;
    }
  });
})();
