-- Headless Neovim (0.7+) as a real LSP client of `crossport lsp`.
-- Opens LSP_FILE (the fixture's Cargo.toml), waits for the
-- `openssl_not_found` diagnostic on the `openssl = …` line, applies a quick
-- fix that edits a file (the test configures a C compiler for the target,
-- so openssl `vendored` is a Cargo.toml edit), saves, waits for the diagnostic to go, then stops
-- the server and checks it exited. Exit status 0 and `PASSED` on stdout mean
-- success. Run by tests/editors/main.rs.

local cmd = vim.split(os.getenv('LSP_CMD'), ' ', { trimempty = true })
local function say(m) io.stdout:write(m .. '\n') end -- print() is unreliable headless
local function wait_for(what, ms, pred)
  if not vim.wait(ms, pred, 50) then error('timed out waiting for ' .. what, 0) end
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local function openssl_diagnostic(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if code_of(d) == 'openssl_not_found' then return d end
  end
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LSP_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'crossport',
    cmd = cmd,
    root_dir = vim.fn.getcwd(),
    init_options = { crossport = { targets = {} } },
  })
  assert(id, 'start_client failed (is the server executable?)')
  vim.lsp.buf_attach_client(bufnr, id)
  local client = vim.lsp.get_client_by_id(id)
  wait_for('initialize', 10000, function() return client.initialized end)

  wait_for('the openssl_not_found diagnostic', 60000, function() return openssl_diagnostic(bufnr) ~= nil end)
  local d = openssl_diagnostic(bufnr)
  local line = vim.api.nvim_buf_get_lines(bufnr, d.lnum, d.lnum + 1, false)[1]
  assert(line:find('^openssl'), 'diagnostic is not on the openssl line: ' .. line)
  say('diagnostic: ' .. d.message)

  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr) }
  local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 10000)
  local actions = ((res or {})[id] or {}).result or {}
  local action
  for _, a in ipairs(actions) do
    if a.edit then action = a; break end
  end
  assert(action, 'no code action with a file edit among ' .. #actions)
  say('code action: ' .. action.title)
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  local fixed = vim.api.nvim_buf_get_lines(bufnr, d.lnum, d.lnum + 1, false)[1]
  assert(fixed:find('vendored', 1, true), 'edit not applied: ' .. fixed)
  vim.cmd('wall') -- didSave re-runs preflight

  wait_for('the diagnostic to go', 60000, function() return openssl_diagnostic(bufnr) == nil end)

  vim.lsp.stop_client(id) -- shutdown + exit
  if not vim.wait(5000, function() return vim.lsp.get_client_by_id(id) == nil end, 50) then
    vim.lsp.stop_client(id, true)
    error('the server did not exit after shutdown and exit', 0)
  end
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  io.stderr:write('FAIL: ' .. tostring(err) .. '\n')
  vim.cmd('cquit 1')
end
say('PASSED')
vim.cmd('qa!')
