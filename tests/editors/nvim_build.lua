-- Headless Neovim (0.7+): a build that fails comes back as diagnostics with
-- quick fixes. LSP_FILE is a Cargo.toml depending on openssl; HOST_TRIPLE is
-- the target, and `crossport.extraEnv` points OPENSSL_DIR at a directory that
-- does not exist, so openssl-sys's build script fails. The script runs
-- `crossport.build`, waits for `openssl_not_found` from the build, applies
-- its file-edit quick fix (openssl `vendored`), saves, builds again and waits
-- for the diagnostic to go. Exit status 0 and `PASSED` mean success.

local cmd = vim.split(os.getenv('LSP_CMD'), ' ', { trimempty = true })
local function say(m) io.stdout:write(m .. '\n') end
local function wait_for(what, ms, pred)
  if not vim.wait(ms, pred, 100) then error('timed out waiting for ' .. what, 0) end
end

local function openssl_diagnostic(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if code == 'openssl_not_found' then return d end
  end
end

local function build(client, bufnr)
  local res = client.request_sync('workspace/executeCommand', {
    command = 'crossport.build',
    arguments = { { uri = vim.uri_from_bufnr(bufnr) } },
  }, 900000, bufnr)
  assert(res and res.result, 'crossport.build failed: ' .. vim.inspect(res))
  return res.result
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LSP_FILE')))
  local bufnr = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'crossport',
    cmd = cmd,
    root_dir = vim.fn.getcwd(),
    init_options = { crossport = {
      targets = { os.getenv('HOST_TRIPLE') },
      extraEnv = { OPENSSL_DIR = '/nonexistent/openssl' },
    } },
  })
  assert(id, 'start_client failed')
  vim.lsp.buf_attach_client(bufnr, id)
  local client = vim.lsp.get_client_by_id(id)
  wait_for('initialize', 10000, function() return client.initialized end)

  local first = build(client, bufnr)
  assert(first.success == false, 'the first build should fail: ' .. vim.inspect(first))
  wait_for('the build finding as a diagnostic', 30000, function() return openssl_diagnostic(bufnr) ~= nil end)
  local d = openssl_diagnostic(bufnr)
  say('build failed: ' .. d.message)

  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr) }
  local res = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', params, 30000)
  local action
  for _, a in ipairs(((res or {})[id] or {}).result or {}) do
    if a.edit then action = a; break end
  end
  assert(action, 'no quick fix with a file edit for the build finding')
  say('quick fix: ' .. action.title)
  vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  vim.cmd('wall')

  local second = build(client, bufnr)
  assert(second.success == true, 'the rebuild should succeed: ' .. vim.inspect(second))
  say('rebuilt: ' .. tostring(second.artifact))
  wait_for('the build diagnostic to go', 30000, function() return openssl_diagnostic(bufnr) == nil end)

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
