-- Headless Neovim (0.7+): diagnostics follow the unsaved buffer.
-- LSP_FILE is a Cargo.toml whose saved text has no dependency. The script
-- types `openssl = "0.10"` under `[dependencies]` without saving, waits for
-- `openssl_not_found` on that line, undoes the typing, and waits for the
-- diagnostic to go, still without saving. Exit status 0 and `PASSED` on
-- stdout mean success. Run by tests/editors/main.rs.

local cmd = vim.split(os.getenv('LSP_CMD'), ' ', { trimempty = true })
local function say(m) io.stdout:write(m .. '\n') end -- print() is unreliable headless
local function wait_for(what, ms, pred)
  if not vim.wait(ms, pred, 50) then error('timed out waiting for ' .. what, 0) end
end

local function openssl_diagnostic(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if code == 'openssl_not_found' then return d end
  end
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LSP_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({ name = 'crossport', cmd = cmd, root_dir = vim.fn.getcwd() })
  assert(id, 'start_client failed (is the server executable?)')
  vim.lsp.buf_attach_client(bufnr, id)
  local client = vim.lsp.get_client_by_id(id)
  wait_for('initialize', 10000, function() return client.initialized end)
  assert(openssl_diagnostic(bufnr) == nil, 'the saved file has no openssl dependency')

  local deps = vim.fn.search('^\\[dependencies\\]')
  assert(deps > 0, 'no [dependencies] table')
  vim.cmd('normal! ' .. deps .. 'Goopenssl = "0.10"')
  assert(vim.bo.modified, 'the buffer should be unsaved')
  wait_for('openssl_not_found on the typed line', 60000, function() return openssl_diagnostic(bufnr) ~= nil end)
  local d = openssl_diagnostic(bufnr)
  local line = vim.api.nvim_buf_get_lines(bufnr, d.lnum, d.lnum + 1, false)[1]
  assert(line == 'openssl = "0.10"', 'diagnostic is not on the typed line: ' .. line)
  say('typed, not saved: ' .. d.message)

  vim.cmd('undo')
  assert(vim.fn.search('^openssl') == 0, 'undo left the line')
  wait_for('the diagnostic to go after undo', 60000, function() return openssl_diagnostic(bufnr) == nil end)
  say('undone: no diagnostic')

  vim.lsp.stop_client(id)
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
