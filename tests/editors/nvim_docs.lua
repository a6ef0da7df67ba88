-- Runs the plain-Neovim setup from docs/editors.md, as a user would have it
-- in init.lua: INIT_LUA is that snippet (extracted by tests/editors/main.rs
-- with the server command pointed at the built binary). Opening Cargo.toml
-- must start the server and show the openssl diagnostic; opening the cargo
-- config must attach the same client. Exit status 0 and `PASSED` = success.

local function say(m) io.stdout:write(m .. '\n') end
local function wait_for(what, ms, pred)
  if not vim.wait(ms, pred, 50) then error('timed out waiting for ' .. what, 0) end
end

local function clients_of(bufnr)
  local ids = {}
  for id, _ in pairs(vim.lsp.buf_get_clients(bufnr)) do table.insert(ids, id) end
  return ids
end

local function main()
  dofile(os.getenv('INIT_LUA'))
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LSP_FILE')))
  local manifest = vim.api.nvim_get_current_buf()
  wait_for('a client on Cargo.toml', 10000, function() return #clients_of(manifest) == 1 end)
  wait_for('the openssl_not_found diagnostic', 60000, function()
    for _, d in ipairs(vim.diagnostic.get(manifest)) do
      local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if code == 'openssl_not_found' then return true end
    end
    return false
  end)
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('CONFIG_FILE')))
  local config = vim.api.nvim_get_current_buf()
  wait_for('a client on the cargo config', 10000, function() return #clients_of(config) == 1 end)
  local a, b = clients_of(manifest)[1], clients_of(config)[1]
  assert(a == b, 'the config got its own client: ' .. tostring(a) .. ' vs ' .. tostring(b))
  vim.lsp.stop_client(a)
  if not vim.wait(5000, function() return vim.lsp.get_client_by_id(a) == nil end, 50) then
    vim.lsp.stop_client(a, true)
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
